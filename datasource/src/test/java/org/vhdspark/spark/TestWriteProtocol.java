package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write's side of Spark's commit protocol, driven as Spark drives it, with what Spark's local
 * mode never does: two attempts of one task running at once (speculation: local mode runs no
 * speculative copies, and a cluster needs a second host), one committed, the other denied and
 * aborted, and a third whose executor was lost mid-write (never aborted). Only the committed
 * attempts' fragments make the image, and every other file is gone.
 */
@ExtendWith(SharedSpark.class)
class TestWriteProtocol {
  private static final int BLOCK = 64 * 1024;

  @TempDir
  Path dir;

  @Test
  void onlyCommittedAttemptsMakeTheImageAndTheOthersLeaveNothing() throws IOException {
    byte[] expected = new byte[24 * BLOCK];
    Path parent = Images.dynamic(dir.resolve("base.vhd"), expected.length, BLOCK);
    List<Row> rows = TestWrite.randomRows(12, expected.length / 512, expected);
    Path child = dir.resolve("child.vhd");
    ImageWriteJob job = ImageWriteJob.plan(SharedSpark.spark(), SaveMode.ErrorIfExists,
        Map.of("path", child.toString(), "parent", parent.toString()), TestWrite.frame(rows));
    // The rows of each task, as the shuffle hands them over.
    List<List<List<Row>>> collected = new ArrayList<>();
    TestWrite.withTasks(2, () -> collected.add(job.prepared().javaRDD().glom().collect()));
    List<List<Row>> partitions = collected.get(0);
    assertThat(partitions).hasSize(2).allSatisfy(p -> assertThat(p).isNotEmpty());
    DataWriterFactory factory = job.createBatchWriterFactory(null);

    WriterCommitMessage first = writeAll(factory.createWriter(0, 100), partitions.get(0));
    // A speculative copy of task 0 that lost the commit race: Spark aborts it after it wrote everything.
    DataWriter<InternalRow> loser = factory.createWriter(0, 101);
    feed(loser, partitions.get(0));
    loser.abort();
    loser.close();
    // Task 1's first attempt died with its executor half-way: no commit, no abort, its fragment stays.
    feed(factory.createWriter(1, 102), partitions.get(1).subList(0, partitions.get(1).size() / 2));
    WriterCommitMessage second = writeAll(factory.createWriter(1, 103), partitions.get(1));
    assertThat(hiddenFiles()).hasSize(3);

    job.commit(new WriterCommitMessage[] {first, second});

    assertThat(TestWrite.contents(child)).isEqualTo(expected);
    assertThat(hiddenFiles()).isEmpty();
  }

  @Test
  void anAbortedJobDeletesItsCommittedFragmentsAndStrays() throws IOException {
    byte[] expected = new byte[8 * BLOCK];
    List<Row> rows = TestWrite.randomRows(13, expected.length / 512, expected);
    Path image = dir.resolve("new.vhd");
    ImageWriteJob job = ImageWriteJob.plan(SharedSpark.spark(), SaveMode.ErrorIfExists,
        Map.of("path", image.toString(), "size", Integer.toString(expected.length)), TestWrite.frame(rows));
    List<List<Row>> partitions = job.prepared().javaRDD().glom().collect();
    DataWriterFactory factory = job.createBatchWriterFactory(null);
    List<WriterCommitMessage> committed = new ArrayList<>();
    for (int p = 0; p < partitions.size(); p++) {
      if (!partitions.get(p).isEmpty()) {
        committed.add(writeAll(factory.createWriter(p, 200 + p), partitions.get(p)));
        feed(factory.createWriter(p, 300 + p), partitions.get(p));
      }
    }
    assertThat(hiddenFiles()).isNotEmpty();

    job.abort(committed.toArray(WriterCommitMessage[]::new));

    assertThat(Files.exists(image)).isFalse();
    assertThat(hiddenFiles()).isEmpty();
  }

  private static WriterCommitMessage writeAll(DataWriter<InternalRow> writer, List<Row> rows) throws IOException {
    feed(writer, rows);
    WriterCommitMessage message = writer.commit();
    writer.close();
    return message;
  }

  private static void feed(DataWriter<InternalRow> writer, List<Row> rows) throws IOException {
    for (Row row : rows) {
      writer.write(new GenericInternalRow(new Object[] {row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)}));
    }
  }

  private List<String> hiddenFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
    }
  }

}

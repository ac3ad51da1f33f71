package org.vhdspark.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.write.FixedChunkWriter;
import org.vhdspark.write.FragmentBuilder;
import org.vhdspark.write.FragmentWriter;

/**
 * One task attempt of a write: takes its rows (clustered by block or chunk, sorted by sector; see
 * {@link WriteInput}) and writes the blocks they fill into a fragment beside the target, or for a
 * fixed image one fragment per chunk, zeros included. Memory is one block and a stream's buffer.
 * A bad row fails the task naming the row's sector and the task; an abort deletes what it wrote.
 */
final class FragmentDataWriter implements DataWriter<InternalRow> {
  private final WriteTask task;
  private final FileSystem fs;
  private final int partition;
  private final int attempt;
  /** Spark's id of this task attempt, unique in the application: it names the attempt's files. */
  private final long taskId;
  private final List<FragmentMessage.Fragment> done = new ArrayList<>();
  private final List<Path> created = new ArrayList<>();

  private Path file;
  private HadoopStreamSink sink;
  private FragmentBuilder builder;
  private FragmentWriter sparse;
  private FixedChunkWriter chunk;
  /** The last block the metrics counted (rows come sorted by sector). */
  private long lastCountedBlock = -1;
  private long blocksWritten;
  private long sectorsWritten;
  private long bytesWritten;

  FragmentDataWriter(WriteTask task, Configuration conf, int partition, int attempt, long taskId) throws IOException {
    this.task = task;
    this.partition = partition;
    this.attempt = attempt;
    this.taskId = taskId;
    Path target = new Path(task.target());
    FileSystem targetFs = target.getFileSystem(conf);
    // Local fragments need no .crc files beside them: the raw file system writes none.
    this.fs = targetFs instanceof LocalFileSystem local ? local.getRaw() : targetFs;
  }

  @Override
  public void write(InternalRow row) throws IOException {
    WriteLayout layout = task.layout();
    if (layout.fixed() && row.getBoolean(WriteInput.FILL)) {
      startChunk((int) row.getLong(WriteInput.KEY));
      return;
    }
    if (row.isNullAt(WriteInput.SECTOR)) {
      throw badRow("a row with a null sector");
    }
    long rowSector = row.getLong(WriteInput.ROW_SECTOR);
    if (row.isNullAt(WriteInput.BYTES)) {
      throw badRow("the row at sector " + rowSector + " has null bytes");
    }
    long sector = row.getLong(WriteInput.SECTOR);
    byte[] bytes = row.getBinary(WriteInput.BYTES);
    if (builder == null) {
      if (layout.fixed()) {
        // Only rows past the disk's end can come before the chunk they fall in.
        throw badRow(String.format("the row at sector %,d passes the end of the disk (%,d sectors)", rowSector, layout.sectorCount()));
      }
      startFragment();
    }
    try {
      builder.add(sector, ByteBuffer.wrap(bytes));
    } catch (IllegalArgumentException e) {
      throw badRow("the row at sector " + rowSector + ": " + e.getMessage());
    }
    long count = bytes.length >>> VhdFormat.SECTOR_SHIFT;
    sectorsWritten += count;
    if (!layout.fixed()) {
      // Counted as rows arrive: Spark reads a task's metrics before its commit writes the last block.
      long last = (sector + count - 1) / layout.sectorsPerBlock();
      long first = Math.max(sector / layout.sectorsPerBlock(), lastCountedBlock + 1);
      if (last >= first) {
        blocksWritten += last - first + 1;
        bytesWritten += (last - first + 1) * (VhdFormat.bitmapBytes(layout.blockSize()) + (long) layout.blockSize());
        lastCountedBlock = last;
      }
    }
  }

  private IllegalArgumentException badRow(String what) {
    return new IllegalArgumentException("vhd write to " + task.target() + ", task " + partition + " (attempt " + attempt + "): "
        + what);
  }

  private void startFragment() throws IOException {
    open(WriteNames.fragment(new Path(task.target()), task.jobId(), partition, taskId, -1));
    sparse = new FragmentWriter(sink, task.layout().fragmentSpec());
    builder = new FragmentBuilder(sparse, task.layout().fragmentSpec());
  }

  private void startChunk(int index) throws IOException {
    finishFile();
    open(WriteNames.fragment(new Path(task.target()), task.jobId(), partition, taskId, index));
    WriteLayout layout = task.layout();
    chunk = new FixedChunkWriter(sink, layout.chunks(), index);
    builder = new FragmentBuilder(chunk, layout.size(), layout.blockSize());
    blocksWritten += -Math.floorDiv(-layout.chunks().chunkDataLength(index), layout.blockSize());
    bytesWritten += layout.chunks().pieceLength(index);
  }

  private void open(Path path) throws IOException {
    created.add(path);
    file = path;
    sink = new HadoopStreamSink(fs.create(path, false), path.toString());
  }

  /** Writes the last block of the open fragment, pads or fills it, and closes it. */
  private void finishFile() throws IOException {
    if (sink == null) {
      return;
    }
    builder.finish();
    FragmentMessage.Fragment fragment;
    if (chunk != null) {
      chunk.finish();
      fragment = new FragmentMessage.Fragment(file.toString(), chunk.length(), new int[0], chunk.chunk());
    } else {
      if (sparse.length() < task.layout().minimumPieceBytes()) {
        sparse.padTo(task.layout().minimumPieceBytes());
      }
      fragment = new FragmentMessage.Fragment(file.toString(), sparse.length(), sparse.blocks(), -1);
    }
    sink.close();
    done.add(fragment);
    sink = null;
    builder = null;
    chunk = null;
    sparse = null;
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    finishFile();
    return new FragmentMessage(partition, attempt, List.copyOf(done));
  }

  @Override
  public void abort() throws IOException {
    IOException failure = null;
    if (sink != null) {
      try {
        sink.close();
      } catch (IOException e) {
        failure = e;
      }
      sink = null;
    }
    for (Path path : created) {
      try {
        fs.delete(path, false);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() throws IOException {
    if (sink != null) {
      sink.close();
      sink = null;
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdWriteMetrics.BLOCKS_WRITTEN, blocksWritten),
        VhdMetrics.value(VhdWriteMetrics.SECTORS_WRITTEN, sectorsWritten),
        VhdMetrics.value(VhdWriteMetrics.FRAGMENT_BYTES_WRITTEN, bytesWritten)};
  }
}

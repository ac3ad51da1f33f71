package org.vhdspark.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing a finished image never replaces a file, even one that appears at the last moment. */
class TestLocalImageStore {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;

  @TempDir
  Path dir;

  @Test
  void renameRefusesAnExistingTargetAndKeepsBoth() throws IOException {
    Path source = Files.writeString(dir.resolve(".new.tmp"), "new");
    Path target = Files.writeString(dir.resolve("image.vhd"), "old");
    assertThatThrownBy(() -> STORE.rename(Location.of(source), Location.of(target))).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(Files.readString(source)).isEqualTo("new");
  }

  @Test
  void renameRefusesADanglingLink() throws IOException {
    Path source = Files.writeString(dir.resolve(".new.tmp"), "new");
    Path target = Files.createSymbolicLink(dir.resolve("image.vhd"), dir.resolve("nowhere"));
    assertThatThrownBy(() -> STORE.rename(Location.of(source), Location.of(target))).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.isSymbolicLink(target)).isTrue();
    assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
  }

  @Test
  void renameMovesTheFileIntoPlace() throws IOException {
    Path source = Files.writeString(dir.resolve(".new.tmp"), "new");
    Path target = dir.resolve("image.vhd");
    STORE.rename(Location.of(source), Location.of(target));
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(source).doesNotExist();
  }

  /** Racing publishers of one name: exactly one wins, and the file holds the winner's bytes. */
  @Test
  void concurrentPublishersNeverReplaceEachOther() throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < 200; round++) {
        Path target = dir.resolve("image-" + round + ".vhd");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> attempts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String content = "writer " + w;
          Path source = Files.writeString(dir.resolve(".image-" + round + "." + w + ".tmp"), content);
          attempts.add(pool.submit(() -> {
            start.await();
            try {
              STORE.rename(Location.of(source), Location.of(target));
              return content;
            } catch (FileAlreadyExistsException e) {
              Files.delete(source);
              return null;
            }
          }));
        }
        start.countDown();
        List<String> winners = new ArrayList<>();
        for (Future<String> attempt : attempts) {
          String won = attempt.get();
          if (won != null) {
            winners.add(won);
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(winners.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

package org.vhdspark.spark;

import java.io.Serial;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a task attempt that committed wrote: its fragments (one for a sparse image, one per chunk
 * for a fixed one), each with its path, length and the blocks or chunk it holds.
 */
record FragmentMessage(int partition, int attempt, List<Fragment> fragments) implements WriterCommitMessage {
  @Serial
  private static final long serialVersionUID = 1L;

  /**
   * One fragment file.
   *
   * @param path   the file, as a Hadoop path string
   * @param length its bytes (padding included)
   * @param blocks sparse images: the blocks it holds, in order
   * @param chunk  fixed images: the chunk it is (-1 for sparse images)
   */
  record Fragment(String path, long length, int[] blocks, int chunk) implements java.io.Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
  }
}

package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/**
 * What every task of a write gets: the target (its fragments go beside it), the job's id (their
 * names), the layout, and the Hadoop configuration, broadcast once per job.
 */
record WriteTask(String target, String jobId, WriteLayout layout, Broadcast<SerializableConfiguration> conf)
    implements DataWriterFactory, Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    org.apache.spark.TaskContext context = org.apache.spark.TaskContext.get();
    int attempt = context == null ? 0 : context.attemptNumber();
    try {
      return new FragmentDataWriter(this, conf.value().get(), partitionId, attempt, taskId);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("vhd write to " + target + ": " + e.getMessage(), e);
    }
  }
}

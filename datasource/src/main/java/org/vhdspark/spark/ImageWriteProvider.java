package org.vhdspark.spark;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The DSv2 write that {@link ImageWriteJob} runs its prepared rows through, to have Spark's write
 * protocol: one committed attempt per partition (speculation and retries safe), task and job
 * aborts, and write metrics in the UI. Internal: not registered, reached by class name with the
 * job's id as its only option; the job itself waits in {@link #JOBS} while Spark plans the write.
 */
public final class ImageWriteProvider implements TableProvider {
  static final String JOB_OPTION = "vhd.write.job";
  private static final Map<String, ImageWriteJob> JOBS = new ConcurrentHashMap<>();

  static void register(ImageWriteJob job) {
    JOBS.put(job.id(), job);
  }

  static void unregister(ImageWriteJob job) {
    JOBS.remove(job.id());
  }

  private static ImageWriteJob job(Map<String, String> options) {
    String id = options.get(JOB_OPTION);
    ImageWriteJob job = id == null ? null : JOBS.get(id);
    if (job == null) {
      throw new IllegalStateException("vhd: " + ImageWriteProvider.class.getName() + " is internal: write with format(\"vhd\")");
    }
    return job;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return job(options.asCaseSensitiveMap()).preparedSchema();
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new ImageTable(job(properties));
  }

  /** The image being written, as a table Spark writes to. */
  private record ImageTable(ImageWriteJob job) implements SupportsWrite {
    @Override
    public String name() {
      return "vhd image " + job.target();
    }

    @Override
    public StructType schema() {
      return job.preparedSchema();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_WRITE, TableCapability.ACCEPT_ANY_SCHEMA);
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
      return new WriteBuilder() {
        @Override
        public Write build() {
          return new Write() {
            @Override
            public String description() {
              return "vhd image " + job.target();
            }

            @Override
            public BatchWrite toBatch() {
              return job;
            }

            @Override
            public CustomMetric[] supportedCustomMetrics() {
              return VhdWriteMetrics.supported();
            }

            /** Spark 4.0's {@code Write.reportDriverMetrics}, after the commit; Spark 3.5 never calls it. */
            public CustomTaskMetric[] reportDriverMetrics() {
              return new CustomTaskMetric[] {VhdMetrics.value(VhdWriteMetrics.BYTES_COPIED_BY_DRIVER, job.bytesCopiedByDriver())};
            }
          };
        }
      };
    }
  }
}

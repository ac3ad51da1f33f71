package org.vhdspark.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2ScanRelation;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.ReadSource;

/**
 * Whether a write's rows already come as its tasks need them, so the write can skip its shuffle and
 * sort: a read of this source (sector rows of one image, with only projections and filters above it,
 * {@code sector} and {@code bytes} passed through unchanged) puts every block's rows in one partition,
 * in sector order, and never lets a row cross a block. The write then takes the read's partitions as
 * they are when the read's blocks are a whole number of the new image's. Round trips (a chain written
 * flat, a delta copied, a diff written as a child) are such writes; the shuffle is half their cost.
 *
 * <p>The one class that looks into Catalyst's plans (internal API): Spark's write planning (3.5)
 * shuffles whenever a write asks for a distribution, whatever its input's partitioning. Anything it
 * does not recognise keeps the shuffle; were it ever wrong, the tasks would refuse rows out of order
 * and the commit a block in two fragments: an error, never a wrong image.
 */
final class ClusteredInput {
  private ClusteredInput() {}

  static boolean byBlock(Dataset<Row> data, WriteInput.Columns columns, int blockSize, Configuration conf) {
    LogicalPlan plan = data.queryExecution().optimizedPlan();
    ExprId sector = outputId(plan, columns.sector());
    ExprId bytes = outputId(plan, columns.bytes());
    while (sector != null && bytes != null) {
      if (plan instanceof Project project) {
        sector = passedThrough(project, sector);
        bytes = passedThrough(project, bytes);
        plan = project.child();
      } else if (plan instanceof Filter filter) {
        plan = filter.child();
      } else if (plan instanceof DataSourceV2ScanRelation relation && relation.scan() instanceof VhdScan scan) {
        return is(relation, sector, VhdSchemas.SECTOR) && is(relation, bytes, VhdSchemas.BYTES)
            && readsWholeBlocksOf(scan, blockSize, conf);
      } else {
        return false;
      }
    }
    return false;
  }

  private static ExprId outputId(LogicalPlan plan, String name) {
    scala.collection.Iterator<Attribute> output = plan.output().iterator();
    while (output.hasNext()) {
      Attribute attribute = output.next();
      if (attribute.name().equals(name)) {
        return attribute.exprId();
      }
    }
    return null;
  }

  /** The id of the child's attribute that {@code id} is, unchanged (perhaps renamed), or null. */
  private static ExprId passedThrough(Project project, ExprId id) {
    scala.collection.Iterator<NamedExpression> list = project.projectList().iterator();
    while (list.hasNext()) {
      NamedExpression named = list.next();
      if (named.exprId().equals(id)) {
        Object value = named instanceof Alias alias ? alias.child() : named;
        return value instanceof AttributeReference reference ? reference.exprId() : null;
      }
    }
    return null;
  }

  private static boolean is(DataSourceV2ScanRelation relation, ExprId id, String column) {
    scala.collection.Iterator<AttributeReference> output = relation.output().iterator();
    while (output.hasNext()) {
      AttributeReference attribute = output.next();
      if (attribute.exprId().equals(id)) {
        return attribute.name().equals(column);
      }
    }
    return false;
  }

  /** A sector read of one image whose blocks are a whole number of {@code blockSize} blocks. */
  private static boolean readsWholeBlocksOf(VhdScan scan, int blockSize, Configuration conf) {
    if (scan.options().output() != VhdReadOptions.Output.SECTORS || scan.files().size() != 1) {
      return false;
    }
    FileStatus file = scan.files().get(0);
    try (ReadSource source = HadoopReadSource.open(file.getPath().getFileSystem(conf), file);
        VhdImage image = VhdImage.open(source, VhdOptions.defaults().withoutChecksumVerification())) {
      int readBlock = image.blockSize();
      return readBlock >= blockSize && readBlock % blockSize == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}

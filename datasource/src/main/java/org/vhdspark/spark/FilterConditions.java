package org.vhdspark.spark;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.IsNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringContains;
import org.apache.spark.sql.sources.StringEndsWith;
import org.apache.spark.sql.sources.StringStartsWith;

/**
 * The V1 filters Spark hands a table scan, turned back into a DataFrame condition so that the
 * DataFrame read behind the table pushes them into {@link VhdScanBuilder} again. Only filters on the
 * columns the scan prunes by are kept, and only the shapes {@link PushedFilters} reads: each is the
 * exact inverse of Spark's translation, and Spark evaluates every filter on the rows afterwards
 * anyway, so a filter left out costs work, never correctness.
 */
final class FilterConditions {
  private FilterConditions() {}

  /** The conjunction of the {@code filters} on {@code columns} that a scan can use, if any. */
  static Optional<Column> of(Filter[] filters, Set<String> columns) {
    return Arrays.stream(filters)
        .filter(filter -> Arrays.stream(filter.references()).allMatch(columns::contains))
        .map(FilterConditions::condition)
        .filter(Objects::nonNull)
        .reduce(Column::and);
  }

  /**
   * A condition that keeps every row {@code filter} keeps (maybe more: Spark's own filter removes
   * them), or null when there is none the scan can use.
   */
  private static Column condition(Filter filter) {
    if (filter instanceof And f) {
      // Either side alone selects more rows, never fewer.
      Column left = condition(f.left());
      Column right = condition(f.right());
      return left == null ? right : right == null ? left : left.and(right);
    }
    if (filter instanceof Or f) {
      Column left = condition(f.left());
      Column right = condition(f.right());
      return left == null || right == null ? null : left.or(right);
    }
    return exact(filter);
  }

  /** The condition a filter was translated from, exactly, or null for a shape the scan does not use. */
  private static Column exact(Filter filter) {
    if (filter instanceof And f) {
      Column left = exact(f.left());
      Column right = exact(f.right());
      return left == null || right == null ? null : left.and(right);
    } else if (filter instanceof Or f) {
      Column left = exact(f.left());
      Column right = exact(f.right());
      return left == null || right == null ? null : left.or(right);
    } else if (filter instanceof Not f) {
      // Under a negation only the exact condition keeps the right rows.
      Column child = exact(f.child());
      return child == null ? null : functions.not(child);
    } else if (filter instanceof EqualTo f) {
      return col(f.attribute()).equalTo(f.value());
    } else if (filter instanceof EqualNullSafe f) {
      return col(f.attribute()).eqNullSafe(f.value());
    } else if (filter instanceof GreaterThan f) {
      return col(f.attribute()).gt(f.value());
    } else if (filter instanceof GreaterThanOrEqual f) {
      return col(f.attribute()).geq(f.value());
    } else if (filter instanceof LessThan f) {
      return col(f.attribute()).lt(f.value());
    } else if (filter instanceof LessThanOrEqual f) {
      return col(f.attribute()).leq(f.value());
    } else if (filter instanceof In f) {
      return col(f.attribute()).isin(f.values());
    } else if (filter instanceof IsNull f) {
      return col(f.attribute()).isNull();
    } else if (filter instanceof IsNotNull f) {
      return col(f.attribute()).isNotNull();
    } else if (filter instanceof StringStartsWith f) {
      return col(f.attribute()).startsWith(f.value());
    } else if (filter instanceof StringEndsWith f) {
      return col(f.attribute()).endsWith(f.value());
    } else if (filter instanceof StringContains f) {
      return col(f.attribute()).contains(f.value());
    }
    return null;
  }
}

package org.vhdspark.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The filters a scan uses to skip work: those on {@code path} choose the images, those on
 * {@code block} and {@code sector} (=, <, <=, >, >=, IN, and BETWEEN as two comparisons; AND, OR)
 * the blocks and rows. Spark still evaluates every filter on the rows it gets, so pruning here only
 * has to be conservative: it never drops a row the filters would keep.
 */
final class PushedFilters {
  static final PushedFilters NONE = new PushedFilters(List.of(), List.of(), LongRanges.ALL, LongRanges.ALL);

  private final List<Filter> pushed;
  private final List<Filter> onPath;
  private final LongRanges blocks;
  private final LongRanges sectors;

  private PushedFilters(List<Filter> pushed, List<Filter> onPath, LongRanges blocks, LongRanges sectors) {
    this.pushed = List.copyOf(pushed);
    this.onPath = List.copyOf(onPath);
    this.blocks = blocks;
    this.sectors = sectors;
  }

  /** Keeps the filters on a single column of {@code columns} that this source can use. */
  static PushedFilters of(Filter[] filters, Set<String> columns) {
    List<Filter> pushed = new ArrayList<>();
    List<Filter> onPath = new ArrayList<>();
    LongRanges blocks = LongRanges.ALL;
    LongRanges sectors = LongRanges.ALL;
    for (Filter filter : filters) {
      String[] references = filter.references();
      if (Arrays.stream(references).distinct().count() != 1 || !columns.contains(references[0])) {
        continue;
      }
      String column = references[0];
      if (column.equals(VhdSchemas.PATH)) {
        if (PathPredicate.supports(filter)) {
          pushed.add(filter);
          onPath.add(filter);
        }
        continue;
      }
      LongRanges ranges = ranges(filter);
      if (ranges == null) {
        continue;
      }
      pushed.add(filter);
      if (column.equals(VhdSchemas.BLOCK)) {
        blocks = blocks.intersect(ranges);
      } else if (column.equals(VhdSchemas.SECTOR)) {
        sectors = sectors.intersect(ranges);
      }
    }
    return new PushedFilters(pushed, onPath, blocks, sectors);
  }

  Filter[] pushed() {
    return pushed.toArray(Filter[]::new);
  }

  /** The blocks the filters allow. */
  LongRanges blocks() {
    return blocks;
  }

  /** The row start sectors the filters allow. */
  LongRanges sectors() {
    return sectors;
  }

  boolean acceptsPath(String path) {
    UTF8String value = UTF8String.fromString(path);
    return onPath.stream().allMatch(filter -> PathPredicate.test(filter, value));
  }

  /**
   * Whether a row of block {@code block}, whose sectors are {@code [first, first + count)}, could
   * pass the filters.
   */
  boolean acceptsBlock(long block, long first, long count) {
    return blocks.contains(block) && sectors.intersects(first, first + count - 1);
  }

  /** The values a filter on a long column allows, or null when it is not a shape this source reads. */
  static LongRanges ranges(Filter filter) {
    if (filter instanceof EqualTo f) {
      return point(f.value());
    } else if (filter instanceof EqualNullSafe f) {
      return point(f.value());
    } else if (filter instanceof GreaterThan f) {
      Long v = integral(f.value());
      return v == null ? null : v == Long.MAX_VALUE ? LongRanges.NONE : LongRanges.atLeast(v + 1);
    } else if (filter instanceof GreaterThanOrEqual f) {
      Long v = integral(f.value());
      return v == null ? null : LongRanges.atLeast(v);
    } else if (filter instanceof LessThan f) {
      Long v = integral(f.value());
      return v == null ? null : v == Long.MIN_VALUE ? LongRanges.NONE : LongRanges.atMost(v - 1);
    } else if (filter instanceof LessThanOrEqual f) {
      Long v = integral(f.value());
      return v == null ? null : LongRanges.atMost(v);
    } else if (filter instanceof In f) {
      LongRanges all = LongRanges.NONE;
      for (Object value : f.values()) {
        if (value == null) {
          continue;
        }
        LongRanges one = point(value);
        if (one == null) {
          return null;
        }
        all = all.union(one);
      }
      return all;
    } else if (filter instanceof IsNotNull) {
      return LongRanges.ALL;
    } else if (filter instanceof IsNull) {
      return LongRanges.NONE;
    } else if (filter instanceof And f) {
      LongRanges left = ranges(f.left());
      LongRanges right = ranges(f.right());
      return left == null || right == null ? null : left.intersect(right);
    } else if (filter instanceof Or f) {
      LongRanges left = ranges(f.left());
      LongRanges right = ranges(f.right());
      return left == null || right == null ? null : left.union(right);
    }
    return null;
  }

  private static LongRanges point(Object value) {
    Long v = integral(value);
    return v == null ? null : LongRanges.point(v);
  }

  private static Long integral(Object value) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    return null;
  }

  /** Exact evaluation of filters on the {@code path} column, in Spark's (UTF-8 byte) string order. */
  private static final class PathPredicate {
    static boolean supports(Filter filter) {
      if (filter instanceof And f) {
        return supports(f.left()) && supports(f.right());
      } else if (filter instanceof Or f) {
        return supports(f.left()) && supports(f.right());
      } else if (filter instanceof Not f) {
        return supports(f.child());
      } else if (filter instanceof In f) {
        return Arrays.stream(f.values()).allMatch(v -> v == null || v instanceof String);
      }
      return filter instanceof IsNotNull || filter instanceof IsNull || filter instanceof StringStartsWith
          || filter instanceof StringEndsWith || filter instanceof StringContains || value(filter) instanceof String;
    }

    static boolean test(Filter filter, UTF8String path) {
      if (filter instanceof And f) {
        return test(f.left(), path) && test(f.right(), path);
      } else if (filter instanceof Or f) {
        return test(f.left(), path) || test(f.right(), path);
      } else if (filter instanceof Not f) {
        return !test(f.child(), path);
      } else if (filter instanceof In f) {
        return Arrays.stream(f.values()).anyMatch(v -> v != null && path.equals(UTF8String.fromString((String) v)));
      } else if (filter instanceof IsNotNull) {
        return true;
      } else if (filter instanceof IsNull) {
        return false;
      } else if (filter instanceof StringStartsWith f) {
        return path.startsWith(UTF8String.fromString(f.value()));
      } else if (filter instanceof StringEndsWith f) {
        return path.endsWith(UTF8String.fromString(f.value()));
      } else if (filter instanceof StringContains f) {
        return path.contains(UTF8String.fromString(f.value()));
      }
      int order = path.compareTo(UTF8String.fromString((String) value(filter)));
      if (filter instanceof EqualTo || filter instanceof EqualNullSafe) {
        return order == 0;
      } else if (filter instanceof GreaterThan) {
        return order > 0;
      } else if (filter instanceof GreaterThanOrEqual) {
        return order >= 0;
      } else if (filter instanceof LessThan) {
        return order < 0;
      } else if (filter instanceof LessThanOrEqual) {
        return order <= 0;
      }
      return true;
    }

    private static Object value(Filter filter) {
      if (filter instanceof EqualTo f) {
        return f.value();
      } else if (filter instanceof EqualNullSafe f) {
        return f.value();
      } else if (filter instanceof GreaterThan f) {
        return f.value();
      } else if (filter instanceof GreaterThanOrEqual f) {
        return f.value();
      } else if (filter instanceof LessThan f) {
        return f.value();
      } else if (filter instanceof LessThanOrEqual f) {
        return f.value();
      }
      return null;
    }
  }
}

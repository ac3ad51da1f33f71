package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.apache.spark.sql.sources.StringStartsWith;
import org.junit.jupiter.api.Test;

/** The value sets of pushed filters and what they let through. */
class TestLongRanges {
  private static final Set<String> COLUMNS = Set.of("path", "block", "sector");

  @Test
  void comparisonsBecomeRanges() {
    assertThat(PushedFilters.ranges(new EqualTo("sector", 5L))).isEqualTo(LongRanges.point(5));
    assertThat(PushedFilters.ranges(new GreaterThan("sector", 5L))).isEqualTo(LongRanges.atLeast(6));
    assertThat(PushedFilters.ranges(new GreaterThanOrEqual("sector", 5))).isEqualTo(LongRanges.atLeast(5));
    assertThat(PushedFilters.ranges(new LessThan("sector", 5L))).isEqualTo(LongRanges.closed(0, 4));
    assertThat(PushedFilters.ranges(new LessThanOrEqual("sector", 5L))).isEqualTo(LongRanges.closed(0, 5));
    assertThat(PushedFilters.ranges(new LessThan("sector", 0L))).isEqualTo(LongRanges.NONE);
    assertThat(PushedFilters.ranges(new In("sector", new Object[] {9L, 3L, 4L, null}))).hasToString("[3..4, 9..9]");
    assertThat(PushedFilters.ranges(new And(new GreaterThanOrEqual("sector", 10L), new LessThanOrEqual("sector", 20L))))
        .isEqualTo(LongRanges.closed(10, 20));
    assertThat(PushedFilters.ranges(new Or(new LessThan("sector", 3L), new GreaterThan("sector", 8L)))).hasToString("[0..2, 9..inf]");
    assertThat(PushedFilters.ranges(new IsNotNull("sector"))).isEqualTo(LongRanges.ALL);
    assertThat(PushedFilters.ranges(new Not(new EqualTo("sector", 3L)))).isNull();
    assertThat(PushedFilters.ranges(new EqualTo("sector", 2.5))).isNull();
  }

  @Test
  void rangesAnswerMembershipAndNextValue() {
    LongRanges ranges = LongRanges.closed(10, 20).union(LongRanges.closed(30, 40)).union(LongRanges.point(21));
    assertThat(ranges).hasToString("[10..21, 30..40]");
    assertThat(ranges.contains(9)).isFalse();
    assertThat(ranges.contains(21)).isTrue();
    assertThat(ranges.contains(25)).isFalse();
    assertThat(ranges.ceiling(0)).isEqualTo(10);
    assertThat(ranges.ceiling(15)).isEqualTo(15);
    assertThat(ranges.ceiling(22)).isEqualTo(30);
    assertThat(ranges.ceiling(41)).isEqualTo(-1);
    assertThat(ranges.intersects(22, 29)).isFalse();
    assertThat(ranges.intersects(22, 30)).isTrue();
    assertThat(ranges.intersect(LongRanges.closed(15, 35))).hasToString("[15..21, 30..35]");
    assertThat(LongRanges.ALL.union(LongRanges.point(3))).isEqualTo(LongRanges.ALL);
    assertThat(LongRanges.NONE.intersects(0, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void onlyFiltersOnOneKnownColumnArePushed() {
    Filter onBlock = new EqualTo("block", 3L);
    Filter onSector = new GreaterThanOrEqual("sector", 100L);
    Filter onPath = new StringStartsWith("path", "file:/vms/");
    Filter mixed = new Or(new EqualTo("block", 1L), new EqualTo("sector", 1L));
    Filter onBytes = new IsNotNull("bytes");
    Filter notConvertible = new Not(new EqualTo("sector", 3L));
    PushedFilters pushed = PushedFilters.of(new Filter[] {onBlock, onSector, onPath, mixed, onBytes, notConvertible}, COLUMNS);
    assertThat(pushed.pushed()).containsExactly(onBlock, onSector, onPath);
    assertThat(pushed.blocks()).isEqualTo(LongRanges.point(3));
    assertThat(pushed.sectors()).isEqualTo(LongRanges.atLeast(100));
    assertThat(pushed.acceptsPath("file:/vms/a.vhd")).isTrue();
    assertThat(pushed.acceptsPath("file:/other/a.vhd")).isFalse();
    assertThat(pushed.acceptsBlock(3, 0, 64)).isFalse();
    assertThat(pushed.acceptsBlock(3, 64, 64)).isTrue();
    assertThat(pushed.acceptsBlock(4, 128, 64)).isFalse();
  }

  @Test
  void rowStartsAreCountedWithinTheRanges() {
    assertThat(LongRanges.ALL.countMultiples(0, 4095, 1)).isEqualTo(4096);
    assertThat(LongRanges.ALL.countMultiples(4096, 8191, 8)).isEqualTo(512);
    assertThat(LongRanges.ALL.countMultiples(4096, 4100, 8)).as("a last short row").isEqualTo(1);
    LongRanges some = LongRanges.closed(3, 17).union(LongRanges.point(24)).union(LongRanges.atLeast(100));
    assertThat(some.countMultiples(0, 31, 8)).as("8, 16, 24").isEqualTo(3);
    assertThat(some.countMultiples(16, 99, 1)).as("16, 17, 24").isEqualTo(3);
    assertThat(some.countMultiples(0, 127, 4)).as("4..16, 24, 100..124").isEqualTo(4 + 1 + 7);
    assertThat(LongRanges.NONE.countMultiples(0, 4095, 1)).isZero();
    assertThat(LongRanges.closed(10, 20).countMultiples(0, 9, 1)).isZero();
  }

  @Test
  void pathFiltersCompareAsSparkDoes() {
    PushedFilters pushed = PushedFilters.of(new Filter[] {
        new Or(new EqualTo("path", "file:/a.vhd"), new In("path", new Object[] {"file:/c.vhd"})),
        new Not(new LessThan("path", "file:/b"))}, COLUMNS);
    assertThat(pushed.acceptsPath("file:/a.vhd")).isFalse();
    assertThat(pushed.acceptsPath("file:/c.vhd")).isTrue();
    assertThat(pushed.acceptsPath("file:/d.vhd")).isFalse();
  }
}

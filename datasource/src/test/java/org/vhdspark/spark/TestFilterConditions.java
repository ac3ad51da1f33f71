package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.sources.AlwaysTrue;
import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;
import org.junit.jupiter.api.Test;

/** A table's pushed filters become a condition that never drops a row the filters keep. */
class TestFilterConditions {
  private static final Set<String> COLUMNS = Set.of("path", "block", "sector");
  private static final Filter UNUSED = new AlwaysTrue();

  private static String of(Filter... filters) {
    Optional<Column> condition = FilterConditions.of(filters, COLUMNS);
    return condition.map(Column::toString).orElse("none");
  }

  @Test
  void translatedFiltersComeBackAsConditions() {
    assertThat(of(new EqualTo("sector", 5L), new GreaterThan("block", 2L))).isEqualTo("((sector = 5) AND (block > 2))");
  }

  @Test
  void aConjunctionKeepsTheSideItCanUse() {
    assertThat(of(new And(new EqualTo("sector", 5L), UNUSED))).isEqualTo("(sector = 5)");
  }

  @Test
  void aDisjunctionOrANegationNeedsEverySide() {
    assertThat(of(new Or(new EqualTo("sector", 5L), UNUSED))).isEqualTo("none");
    // Not(sector = 5 AND x) keeps rows with sector = 5: weakening inside the negation would drop them.
    assertThat(of(new Not(new And(new EqualTo("sector", 5L), UNUSED)))).isEqualTo("none");
    assertThat(of(new Not(new EqualTo("sector", 5L)))).isEqualTo("(NOT (sector = 5))");
  }

  @Test
  void filtersOnOtherColumnsAreLeftToSpark() {
    assertThat(of(new EqualTo("bytes", new byte[0]))).isEqualTo("none");
  }
}

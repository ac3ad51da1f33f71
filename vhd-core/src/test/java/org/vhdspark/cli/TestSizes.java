package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestSizes {
  @ParameterizedTest
  @CsvSource({"0,0", "1,1", "1000003,1000003", "1K,1024", "512k,524288", "10M,10485760", "10G,10737418240", "2t,2199023255552",
      "8388607T,9223370937343148032"})
  void bytesOrBinarySuffixes(String text, long bytes) throws UsageException {
    assertThat(Sizes.parse(Option.SIZE, text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1.5G", "10GB", "10GiB", "G", "1 G", "0x10", "+5"})
  void refusesAnythingElseNamingTheOption(String text) {
    assertThatThrownBy(() -> Sizes.parse(Option.OFFSET, text))
        .hasMessage("--offset needs a number of bytes, optionally with K, M, G or T (binary units), got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"8388608T", "9223372036854775808", "99999999999999999999K"})
  void refusesOverflow(String text) {
    assertThatThrownBy(() -> Sizes.parse(Option.SIZE, text)).hasMessage("--size " + text + " is too large");
  }
}

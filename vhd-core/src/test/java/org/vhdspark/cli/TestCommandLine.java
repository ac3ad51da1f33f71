package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestCommandLine {
  @Test
  void optionsMayComeAnywhereInEitherForm() throws UsageException {
    CommandLine line = CommandLine.parse(new String[] {"--parent", "a=b", "cat", "x.vhd", "-o", "out.raw", "--parent=c=d",
        "--delta"});
    assertThat(line.command()).isEqualTo("cat");
    assertThat(line.operands()).containsExactly("x.vhd");
    assertThat(line.values(Option.PARENT)).containsExactly("a=b", "c=d");
    assertThat(line.value(Option.OUTPUT)).contains("out.raw");
    assertThat(line.has(Option.DELTA)).isTrue();
  }

  @Test
  void doubleDashEndsOptionsAndDashIsAnOperand() throws UsageException {
    CommandLine line = CommandLine.parse(new String[] {"cat", "-o", "-", "--", "--odd-name.vhd"});
    assertThat(line.value(Option.OUTPUT)).contains("-");
    assertThat(line.operands()).containsExactly("--odd-name.vhd");
  }

  @Test
  void laterValueOverridesEarlier() throws UsageException {
    assertThat(CommandLine.parse(new String[] {"cat", "-o", "a", "--output", "b"}).value(Option.OUTPUT)).contains("b");
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"info", "--verbose"})).hasMessage("unknown option --verbose");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"info", "x", "--parent"})).hasMessage("option --parent needs a value");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"map", "--delta=yes"})).hasMessage("option --delta takes no value");
    assertThat(List.of(Option.values())).allSatisfy(option -> assertThat(Option.named(option.longName())).contains(option));
  }
}

package org.vhdspark.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed arguments: the command (the first operand), the other operands, and the options, which
 * may come anywhere, as {@code --name value}, {@code --name=value} or {@code -o value}; {@code --}
 * ends the options.
 */
record CommandLine(String command, List<String> operands, Map<Option, List<String>> options) {

  static CommandLine parse(String[] args) throws UsageException {
    List<String> operands = new ArrayList<>();
    Map<Option, List<String>> options = new EnumMap<>(Option.class);
    boolean optionsEnded = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
        operands.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      int equals = arg.startsWith("--") ? arg.indexOf('=') : -1;
      String name = equals < 0 ? arg : arg.substring(0, equals);
      Option option = Option.named(name).orElseThrow(() -> new UsageException("unknown option " + name));
      String value = null;
      if (equals >= 0) {
        if (!option.takesValue()) {
          throw new UsageException("option " + name + " takes no value");
        }
        value = arg.substring(equals + 1);
      } else if (option.takesValue()) {
        if (i + 1 >= args.length) {
          throw new UsageException("option " + name + " needs a value");
        }
        value = args[++i];
      }
      options.computeIfAbsent(option, o -> new ArrayList<>()).add(value);
    }
    String command = operands.isEmpty() ? null : operands.remove(0);
    return new CommandLine(command, List.copyOf(operands), options);
  }

  boolean has(Option option) {
    return options.containsKey(option);
  }

  /** Every value given for a repeatable option, in order. */
  List<String> values(Option option) {
    return options.getOrDefault(option, List.of());
  }

  /** The last value given, for options where a later one overrides an earlier one. */
  Optional<String> value(Option option) {
    List<String> values = values(option);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }
}

package org.vhdspark.cli;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.vhdspark.io.Location;
import org.vhdspark.write.ChainOperations;
import org.vhdspark.write.RepairChange;

/**
 * {@code vhd repair IMAGE [--dry-run]}: the image's footers, a torn tail and a blktap batmap put right
 * in place, as {@code vhd-util repair} does, never a data sector. Prints one JSON line listing the
 * changes (none for an image with nothing to repair); with {@code --dry-run}, those it would make.
 */
final class RepairCommand implements Command {
  @Override
  public String name() {
    return "repair";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.DRY_RUN);
  }

  /** It opens the image alone, with checksums verified: the options about opening chains do not apply. */
  @Override
  public boolean opensImages() {
    return false;
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location image = invocation.image();
    boolean dryRun = invocation.has(Option.DRY_RUN);
    List<RepairChange> changes = dryRun
        ? ChainOperations.planRepair(invocation.store(), image)
        : ChainOperations.repair(invocation.store(), image);
    JsonWriter json = JsonWriter.compact().beginObject()
        .field("path", image.toString())
        .field("dryRun", dryRun)
        .name("changes").beginArray();
    for (RepairChange change : changes) {
      json.beginObject()
          .field("kind", change.kind().label())
          .field("offset", change.offset())
          .field("detail", change.detail())
          .endObject();
    }
    invocation.printLine(json.endArray().endObject());
    return VhdCli.EXIT_OK;
  }
}

package org.vhdspark.cli;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VirtualDisk;

/**
 * {@code vhd map IMAGE [--delta]}: which layer holds each run of sectors, as JSON lines covering the
 * whole disk in order; runs of one owner are merged across block boundaries.
 */
final class MapCommand implements Command {
  @Override
  public String name() {
    return "map";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.DELTA);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    try (VirtualDisk disk = invocation.openDisk()) {
      List<String> paths = disk.chain().layers().stream().map(layer -> layer.location().toString()).toList();
      Writer out = invocation.text();
      BlockRuns runs = new BlockRuns();
      long start = 0;
      long length = 0;
      int layer = BlockRuns.ZEROS;
      for (int block = 0; block < disk.blockCount(); block++) {
        disk.runs(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          if (length > 0 && runs.layer(i) == layer && start + length == runs.start(i)) {
            length += runs.length(i);
            continue;
          }
          if (length > 0) {
            writeRun(out, start, length, layer, paths);
          }
          start = runs.start(i);
          length = runs.length(i);
          layer = runs.layer(i);
        }
      }
      if (length > 0) {
        writeRun(out, start, length, layer, paths);
      }
      out.flush();
    }
    return VhdCli.EXIT_OK;
  }

  private static void writeRun(Writer out, long start, long length, int layer, List<String> paths) throws IOException {
    boolean zeros = layer == BlockRuns.ZEROS;
    out.write(JsonWriter.compact().beginObject()
        .field("start", start)
        .field("length", length)
        .field("layer", zeros ? null : Long.valueOf(layer))
        .field("path", zeros ? null : paths.get(layer))
        .endObject()
        .toString());
    out.write('\n');
  }
}

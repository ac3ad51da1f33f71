package org.vhdspark.spark;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vhdspark.Finding;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.Footer;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VirtualDisk;

/**
 * Rows of the catalog output: one per image, from its footer, header and chain, with the bytes of
 * the view each layer provides (from BATs and bitmaps; no sector data is read). An image that cannot
 * be read, on the driver or here, still has its row: its path and the reason in {@code error}.
 */
final class CatalogReader extends SliceReader {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogReader.class);

  private final UnsafeProjection projection;
  private final BlockRuns runs = new BlockRuns();
  private InternalRow current;

  CatalogReader(ChainOpener opener, VhdInputPartition partition, StructType schema) {
    super(opener, partition, schema);
    this.projection = UnsafeProjection.create(schema);
  }

  @Override
  protected void started() {}

  @Override
  public boolean next() throws IOException {
    if (!advanceSlice()) {
      return false;
    }
    Map<String, Object> values = describeSlice();
    String[] names = schema.fieldNames();
    Object[] row = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      row[i] = values.get(names[i]);
    }
    current = projection.apply(new GenericInternalRow(row));
    return true;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  /** The values of the slice's image, or of an unreadable image: its path and the reason. */
  private Map<String, Object> describeSlice() {
    PlannedImage planned = slice.image();
    if (planned.error() != null) {
      return unreadable(planned.error());
    }
    try {
      openSlice();
      Map<String, Object> values = describe();
      closeImage();
      return values;
    } catch (IOException | RuntimeException e) {
      try {
        closeImage();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      LOG.warn("vhd: cataloging {} with an error: it was planned, but cannot be read in the task", planned.path(), e);
      Exception failure = e instanceof OpenImage.NotAsPlannedException reopening ? reopening.failure() : e;
      return unreadable(ScanPlanner.reason(planned.path(), failure));
    }
  }

  private Map<String, Object> unreadable(String error) {
    metrics.unreadableImages++;
    Map<String, Object> values = new HashMap<>();
    values.put(VhdSchemas.PATH, utf8(slice.image().path()));
    values.put(VhdSchemas.ERROR, utf8(error));
    return values;
  }

  private Map<String, Object> describe() throws IOException {
    VirtualDisk disk = image.disk;
    VhdImage top = disk.chain().image();
    Footer footer = top.footer();
    boolean sparse = top.type().isSparse();
    Map<String, Object> values = new HashMap<>();
    values.put(VhdSchemas.PATH, image.path);
    values.put("type", utf8(top.type().label()));
    values.put("virtual_size", top.virtualSize());
    values.put("block_size", sparse ? Integer.valueOf(top.blockSize()) : null);
    values.put("blocks", sparse ? Integer.valueOf(top.blockCount()) : null);
    values.put("allocated_blocks", sparse ? Integer.valueOf(top.allocatedBlockCount()) : null);
    values.put("file_size", top.source().size());
    values.put("creator_app", utf8(footer.creatorApplicationName()));
    values.put("creator_version", utf8(footer.creatorVersionText()));
    values.put("creator_host", utf8(footer.creatorHostOsName()));
    values.put("unique_id", utf8(footer.uniqueId().toString()));
    values.put("timestamp", micros(footer.timestampInstant()));
    DynamicHeader header = top.isDifferencing() ? top.header().orElseThrow() : null;
    values.put("parent_unique_id", header == null ? null : utf8(header.parentUniqueId().toString()));
    values.put("parent_name", header == null ? null : utf8(header.parentUnicodeName()));
    // The chain as planned: every layer found, also where it stops early and only the image was opened.
    PlannedImage planned = slice.image();
    Object[] chain = new Object[planned.depth()];
    chain[0] = image.path;
    for (int k = 1; k < chain.length; k++) {
      chain[k] = utf8(HadoopLocations.display(planned.layer(k)));
    }
    values.put("parent_path", chain.length > 1 ? chain[1] : null);
    values.put("parent_error", utf8(planned.parentError()));
    values.put("chain_depth", chain.length);
    values.put("chain", new GenericArrayData(chain));
    values.put("allocated_bytes", new GenericArrayData(ownedBytes(disk)));
    List<Finding> findings = disk.chain().findings();
    Object[] warnings = new Object[findings.size()];
    for (int i = 0; i < warnings.length; i++) {
      warnings[i] = utf8(findings.get(i).source() + ": " + findings.get(i).message());
    }
    values.put("warnings", new GenericArrayData(warnings));
    return values;
  }

  /** Bytes of the view each layer provides: the sectors it owns, from BATs and bitmaps. */
  private Object[] ownedBytes(VirtualDisk disk) throws IOException {
    long[] sectors = new long[disk.layerCount()];
    for (int block = 0; block < disk.blockCount(); block++) {
      if (!disk.isBlockAllocatedAnywhere(block)) {
        continue;
      }
      disk.runs(block, runs);
      metrics.blocks++;
      for (int i = 0; i < runs.count(); i++) {
        if (runs.layer(i) != BlockRuns.ZEROS) {
          sectors[runs.layer(i)] += runs.length(i);
        }
      }
    }
    Object[] bytes = new Object[sectors.length];
    for (int k = 0; k < sectors.length; k++) {
      bytes[k] = sectors[k] * 512;
    }
    return bytes;
  }

  private static UTF8String utf8(String text) {
    return text == null ? null : UTF8String.fromString(text);
  }

  private static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }
}

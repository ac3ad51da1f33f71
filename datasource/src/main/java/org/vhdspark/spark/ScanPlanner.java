package org.vhdspark.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vhdspark.Finding;
import org.vhdspark.format.Bat;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.ParentNotFoundException;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.Location;

/**
 * Plans a scan on the driver: opens every image's chain (footers, headers, BATs; several images at
 * a time), keeps the blocks that some layer of the view holds and that the filters allow, cuts each
 * image into splits of about {@code maxPartitionBytes}, and packs splits into partitions as Spark's
 * file sources do (each split also costs {@code openCostInBytes}), and counts the rows the
 * partitions will give, for the optimizer. Unreadable images fail the scan, or are skipped and
 * counted with {@code ignoreCorruptFiles}; a catalog lists them instead, with the reason.
 */
final class ScanPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(ScanPlanner.class);
  private static final int THREADS = 8;
  private static final int MAX_HOSTS = 3;

  private final VhdReadOptions options;
  private final Configuration conf;
  private final PushedFilters filters;
  private final ChainOpener opener;

  /** The partitions, and what the driver reports about them. */
  record Plan(List<VhdInputPartition> partitions, int images, int corruptImagesSkipped, long blocksSkipped,
      PlannedRows rows) {}

  /** Part of an image, with its cost and the bytes each host stores of it. */
  private record Split(ImageSlice slice, long cost, Map<String, Long> bytesByHost) {}

  /** An image's splits and rows, or why it could not be planned. */
  private record ImageOutcome(List<Split> splits, long blocksSkipped, PlannedRows rows, Exception failure) {
    static ImageOutcome failed(Exception failure) {
      return new ImageOutcome(List.of(), 0, PlannedRows.NONE, failure);
    }
  }

  ScanPlanner(VhdReadOptions options, Configuration conf, PushedFilters filters) {
    this.options = options;
    this.conf = conf;
    this.filters = filters;
    this.opener = new ChainOpener(options, conf);
  }

  Plan plan(List<FileStatus> files) {
    List<FileStatus> chosen = files.stream().filter(f -> filters.acceptsPath(f.getPath().toString())).toList();
    if (chosen.isEmpty()) {
      return new Plan(List.of(), 0, 0, 0, PlannedRows.NONE);
    }
    VhdOptions policy;
    try {
      policy = opener.policy();
    } catch (IOException e) {
      throw new VhdScanException("vhd: cannot qualify the folders of option '" + VhdReadOptions.PARENT_PATHS + "' or '"
          + VhdReadOptions.PARENTS + "': " + e.getMessage(), e);
    }
    List<ImageOutcome> outcomes = openAll(chosen, policy);
    List<Split> splits = new ArrayList<>();
    int skipped = 0;
    long blocksSkipped = 0;
    PlannedRows rows = PlannedRows.NONE;
    for (int i = 0; i < outcomes.size(); i++) {
      ImageOutcome outcome = outcomes.get(i);
      String path = chosen.get(i).getPath().toString();
      if (outcome.failure() != null && options.output() == VhdReadOptions.Output.CATALOG) {
        // An inventory lists every file, whatever ignoreCorruptFiles says; the row carries the reason.
        outcome = catalogRow(PlannedImage.unreadable(path, reason(path, outcome.failure())));
      }
      if (outcome.failure() != null) {
        if (!options.ignoreCorruptFiles()) {
          throw new VhdScanException(failureMessage(path, outcome.failure()), outcome.failure());
        }
        LOG.warn("vhd: skipping unreadable image {} (ignoreCorruptFiles): {}", path, reason(path, outcome.failure()));
        skipped++;
        continue;
      }
      splits.addAll(outcome.splits());
      blocksSkipped += outcome.blocksSkipped();
      rows = rows.plus(outcome.rows());
    }
    return new Plan(pack(splits), chosen.size(), skipped, blocksSkipped, rows);
  }

  private List<ImageOutcome> openAll(List<FileStatus> files, VhdOptions policy) {
    int threads = Math.min(THREADS, files.size());
    AtomicInteger counter = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "vhd-planning-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<ImageOutcome>> futures = new ArrayList<>();
      for (FileStatus file : files) {
        futures.add(pool.submit(() -> planImage(file, policy)));
      }
      List<ImageOutcome> outcomes = new ArrayList<>();
      for (Future<ImageOutcome> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VhdScanException("vhd: interrupted while planning the scan", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      throw new VhdScanException("vhd: planning failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private ImageOutcome planImage(FileStatus file, VhdOptions policy) {
    String path = file.getPath().toString();
    Location top = HadoopLocations.toLocation(file.getPath());
    ChainOpener.Opened opened;
    try {
      opened = opener.openForPlanning(top, policy);
    } catch (IOException e) {
      return ImageOutcome.failed(e);
    } catch (RuntimeException e) {
      return failedOrThrown(e);
    }
    try (VirtualDisk disk = opened.disk()) {
      VhdChain chain = disk.chain();
      for (Finding finding : chain.findings()) {
        LOG.warn("{}", finding);
      }
      if (options.output() == VhdReadOptions.Output.SECTORS && options.sectorsPerRow() > disk.sectorsPerBlock()) {
        throw new IllegalArgumentException("vhd option '" + VhdReadOptions.SECTORS_PER_ROW + "': " + options.sectorsPerRow()
            + " exceeds the " + disk.sectorsPerBlock() + " sectors of a block of " + path);
      }
      // A catalog lists every layer found, even where the chain stops early and only the image is read.
      int depth = options.output() == VhdReadOptions.Output.CATALOG ? chain.depth() : disk.layerCount();
      List<Location> layers = chain.layers().subList(0, depth).stream().map(VhdChain.Layer::location).toList();
      boolean resolved = options.view() == VhdReadOptions.View.RESOLVED && opened.parentError() == null;
      PlannedImage planned = PlannedImage.of(path, layers, resolved, opened.parentError());
      if (options.output() == VhdReadOptions.Output.CATALOG) {
        return catalogRow(planned);
      }
      return split(file, planned, disk);
    } catch (IOException e) {
      return ImageOutcome.failed(e);
    } catch (RuntimeException e) {
      return failedOrThrown(e);
    }
  }

  /** A catalog lists an image whatever goes wrong while opening it; other outputs fail as they always did. */
  private ImageOutcome failedOrThrown(RuntimeException e) {
    if (options.output() != VhdReadOptions.Output.CATALOG) {
      throw e;
    }
    return ImageOutcome.failed(e);
  }

  /** A catalog image is one row, read by a slice without blocks that costs only its opening. */
  private static ImageOutcome catalogRow(PlannedImage planned) {
    Split split = new Split(new ImageSlice(planned, new long[0]), 0, Map.of());
    return new ImageOutcome(List.of(split), 0, PlannedRows.of(planned.path(), 1, true), null);
  }

  /** The image's chosen blocks, cut into splits of about maxPartitionBytes. */
  private ImageOutcome split(FileStatus file, PlannedImage planned, VirtualDisk disk) throws IOException {
    FileSystem fs = file.getPath().getFileSystem(conf);
    BlockHosts hosts = BlockHosts.of(fs, file);
    VhdImage top = disk.chain().image();
    int sectorsPerBlock = disk.sectorsPerBlock();
    long blockBytes = (long) sectorsPerBlock << VhdFormat.SECTOR_SHIFT;
    long blockCost = options.output() == VhdReadOptions.Output.SECTORS
        ? blockBytes
        : (long) VhdFormat.bitmapBytes(top.blockSize()) * disk.layerCount();
    List<Split> splits = new ArrayList<>();
    SplitBuilder current = null;
    long skipped = 0;
    long rows = 0;
    for (int block = 0; block < disk.blockCount(); block++) {
      long first = (long) block * sectorsPerBlock;
      long count = Math.min(sectorsPerBlock, disk.sectorCount() - first);
      boolean wanted = filters.acceptsBlock(block, first, count)
          && (options.includeUnallocated() || disk.isBlockAllocatedAnywhere(block));
      if (!wanted) {
        skipped++;
        continue;
      }
      if (current != null && current.cost + blockCost > options.maxPartitionBytes()) {
        splits.add(current.build());
        current = null;
      }
      if (current == null) {
        current = new SplitBuilder(planned);
      }
      current.add(block, blockCost);
      rows += rowsOfBlock(disk, first, count);
      if (hosts != null) {
        addDataRange(top, block, hosts, current.bytesByHost);
      }
    }
    if (current != null) {
      splits.add(current.build());
    }
    return new ImageOutcome(splits, skipped, PlannedRows.of(planned.path(), rows, rowsAreExact(disk)), null);
  }

  /**
   * The rows of a kept block as far as the plan tells without bitmaps. Sectors: every row start the
   * sector filter allows (at most that many). Allocation: an estimate of a run per layer of the view.
   */
  private long rowsOfBlock(VirtualDisk disk, long first, long count) {
    if (options.output() == VhdReadOptions.Output.SECTORS) {
      return filters.sectors().countMultiples(first, first + count - 1, options.sectorsPerRow());
    }
    return disk.layerCount();
  }

  /** Whether every row counted is emitted: sectors with includeUnallocated, or over a fixed base (all allocated). */
  private boolean rowsAreExact(VirtualDisk disk) {
    if (options.output() != VhdReadOptions.Output.SECTORS) {
      return false;
    }
    VhdImage bottom = disk.chain().layers().get(disk.layerCount() - 1).image();
    return options.includeUnallocated() || !bottom.type().isSparse();
  }

  /** The bytes of the top image's file that hold {@code block}'s data, if it stores any. */
  private static void addDataRange(VhdImage top, int block, BlockHosts hosts, Map<String, Long> tally) throws IOException {
    Bat bat = top.bat().orElse(null);
    long blockSize = top.blockSize();
    if (bat == null) {
      long start = block * blockSize;
      hosts.add(start, Math.min(blockSize, top.virtualSize() - start), tally);
    } else if (block < bat.size() && bat.isAllocated(block)) {
      hosts.add(bat.bitmapOffset(block), VhdFormat.bitmapBytes(top.blockSize()) + blockSize, tally);
    }
  }

  private List<VhdInputPartition> pack(List<Split> splits) {
    List<VhdInputPartition> partitions = new ArrayList<>();
    List<ImageSlice> slices = new ArrayList<>();
    Map<String, Long> hosts = new HashMap<>();
    long size = 0;
    for (Split split : splits) {
      if (!slices.isEmpty() && size + split.cost() > options.maxPartitionBytes()) {
        partitions.add(new VhdInputPartition(partitions.size(), slices, BlockHosts.top(hosts, MAX_HOSTS)));
        slices = new ArrayList<>();
        hosts = new HashMap<>();
        size = 0;
      }
      slices.add(split.slice());
      for (Map.Entry<String, Long> entry : split.bytesByHost().entrySet()) {
        hosts.merge(entry.getKey(), entry.getValue(), Long::sum);
      }
      size += split.cost() + options.openCostInBytes();
    }
    if (!slices.isEmpty()) {
      partitions.add(new VhdInputPartition(partitions.size(), slices, BlockHosts.top(hosts, MAX_HOSTS)));
    }
    return partitions;
  }

  /** "vhd: cannot read image X: reason (hint)", without the image named twice. */
  static String failureMessage(String path, Exception failure) {
    String hint = failure instanceof ParentNotFoundException
        ? "allow the parent's folder with option '" + VhdReadOptions.PARENT_PATHS + "', name the parent with option '"
            + VhdReadOptions.PARENTS + "', read only the image's own sectors with view=delta, or skip such images with "
            + VhdReadOptions.IGNORE_CORRUPT_FILES + "=true"
        : "set option " + VhdReadOptions.IGNORE_CORRUPT_FILES + "=true to skip unreadable images";
    return "vhd: cannot read image " + path + ": " + reason(path, failure) + " (" + hint + ")";
  }

  /**
   * The failure's message without the image's name in front (vhd-core names the image first); an
   * unexpected (unchecked) failure also says what it is.
   */
  static String reason(String path, Exception failure) {
    String reason = failure instanceof IOException ? String.valueOf(failure.getMessage()) : failure.toString();
    String localPath = path.startsWith("file:") ? path.substring("file:".length()) : path;
    for (String prefix : new String[] {path + ": ", localPath + ": "}) {
      if (reason.startsWith(prefix)) {
        return reason.substring(prefix.length());
      }
    }
    return reason;
  }

  private static final class SplitBuilder {
    private final PlannedImage image;
    private final List<Long> ranges = new ArrayList<>();
    private final Map<String, Long> bytesByHost = new HashMap<>();
    private long cost;

    SplitBuilder(PlannedImage image) {
      this.image = image;
    }

    void add(long block, long blockCost) {
      int last = ranges.size() - 1;
      if (last > 0 && ranges.get(last) == block) {
        ranges.set(last, block + 1);
      } else {
        ranges.add(block);
        ranges.add(block + 1);
      }
      cost += blockCost;
    }

    Split build() {
      long[] bounds = new long[ranges.size()];
      for (int i = 0; i < bounds.length; i++) {
        bounds[i] = ranges.get(i);
      }
      return new Split(new ImageSlice(image, bounds), cost, bytesByHost);
    }
  }
}

package org.vhdspark.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;

/**
 * Every option of {@code df.write.format("vhd")}, parsed and validated in one place. Names are
 * case-insensitive; a key with a '.' is a Hadoop setting for this write. The options that concern
 * opening the parent ({@code verifyChecksums}, {@code verifyParentUuid}, {@code parentPaths},
 * {@code parents}) mean what they mean on reads and are kept as {@link #parentRead}.
 *
 * @param target     the image to write
 * @param parent     the image the new one is a child of, or null for a new base image
 * @param type       dynamic or fixed for a base image; differencing for a child
 * @param size       the disk's size in bytes (0 for a child: it takes its parent's)
 * @param blockSize  the block size of a dynamic image or child (0 for a child: its parent's)
 * @param parentRead how to open the parent: the read options that concern it
 */
public record VhdWriteOptions(
    String target,
    String parent,
    DiskType type,
    long size,
    int blockSize,
    VhdReadOptions parentRead) {

  public static final String PARENT = "parent";
  public static final String TYPE = "type";
  public static final String SIZE = "size";
  public static final String BLOCK_SIZE = "blockSize";

  /** The options only writes take. */
  public static final List<String> WRITE_ONLY = List.of(PARENT, TYPE, SIZE, BLOCK_SIZE);
  /** The read options a write takes too: they concern opening the parent. */
  public static final List<String> SHARED = List.of(VhdReadOptions.VERIFY_CHECKSUMS, VhdReadOptions.VERIFY_PARENT_UUID,
      VhdReadOptions.PARENT_PATHS, VhdReadOptions.PARENTS);

  /** The kind of new base image. */
  enum BaseType {
    DYNAMIC, FIXED
  }

  /** Whether {@code key} names an option of writes (write-only or shared). */
  static boolean isWriteOption(String key) {
    return WRITE_ONLY.stream().anyMatch(key::equalsIgnoreCase) || SHARED.stream().anyMatch(key::equalsIgnoreCase);
  }

  static boolean isWriteOnly(String key) {
    return WRITE_ONLY.stream().anyMatch(key::equalsIgnoreCase);
  }

  /**
   * Parses a write's options (the target as {@code path}).
   *
   * @throws IllegalArgumentException naming the option, for an unknown option, a read-only one or a bad value
   */
  public static VhdWriteOptions parse(Map<String, String> options) {
    Map<String, String> known = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Map<String, String> parentRead = new LinkedHashMap<>();
    String target = null;
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey();
      if (key.contains(".")) {
        parentRead.put(key, option.getValue());
      } else if (key.equalsIgnoreCase("path")) {
        target = option.getValue();
      } else if (isWriteOnly(key)) {
        known.put(key, option.getValue());
      } else if (SHARED.stream().anyMatch(key::equalsIgnoreCase)) {
        parentRead.put(key, option.getValue());
      } else if (VhdReadOptions.NAMES.stream().anyMatch(key::equalsIgnoreCase) || key.equalsIgnoreCase("paths")) {
        throw new IllegalArgumentException("vhd option '" + key + "' applies to reads, not to writes; the write options are "
            + String.join(", ", WRITE_ONLY) + ", " + String.join(", ", SHARED));
      } else {
        throw new IllegalArgumentException("vhd: unknown write option '" + key + "'; the write options are "
            + String.join(", ", WRITE_ONLY) + ", " + String.join(", ", SHARED)
            + " (names are case-insensitive; keys containing a '.' are Hadoop settings for this write)");
      }
    }
    if (target == null || target.isEmpty()) {
      throw new IllegalArgumentException("vhd: no target given: use save(path)");
    }
    OptionText text = new OptionText(known);
    String parent = text.string(PARENT, null);
    if (parent != null && parent.isBlank()) {
      throw new IllegalArgumentException("vhd option '" + PARENT + "': expected the path of an image, found ''");
    }
    BaseType baseType = text.choice(TYPE, BaseType.class, BaseType.DYNAMIC);
    long size = text.bytes(SIZE, 0);
    long blockSize = text.bytes(BLOCK_SIZE, 0);
    if (parent != null) {
      if (known.containsKey(TYPE)) {
        throw new IllegalArgumentException("vhd option '" + TYPE + "': a child of a parent is always a differencing image; "
            + "leave out 'type' (or 'parent' for a new " + VhdReadOptions.label(baseType) + " image)");
      }
      if (known.containsKey(SIZE)) {
        throw new IllegalArgumentException("vhd option '" + SIZE + "': a child has its parent's size; leave out 'size'");
      }
    } else {
      if (size == 0) {
        throw new IllegalArgumentException("vhd option '" + SIZE + "' is required for a new image (such as 64g), "
            + "unless option '" + PARENT + "' names the image it is a child of");
      }
      if (size % VhdFormat.SECTOR_SIZE != 0 || size > VhdFormat.MAX_VIRTUAL_SIZE) {
        throw new IllegalArgumentException(String.format("vhd option '%s': expected a multiple of 512 bytes up to 2040 GiB, found '%s'",
            SIZE, known.get(SIZE)));
      }
      if (baseType == BaseType.FIXED && known.containsKey(BLOCK_SIZE)) {
        throw new IllegalArgumentException("vhd option '" + BLOCK_SIZE + "': a fixed image has no blocks; leave out 'blockSize'");
      }
    }
    if (known.containsKey(BLOCK_SIZE)
        && (blockSize < VhdFormat.SECTOR_SIZE || blockSize > VhdFormat.DEFAULT_BLOCK_SIZE || Long.bitCount(blockSize) != 1)) {
      throw new IllegalArgumentException("vhd option '" + BLOCK_SIZE + "': expected a power of two from 512 bytes to 2 MiB, found '"
          + known.get(BLOCK_SIZE) + "'");
    }
    DiskType type = parent != null ? DiskType.DIFFERENCING : baseType == BaseType.FIXED ? DiskType.FIXED : DiskType.DYNAMIC;
    if (type == DiskType.DYNAMIC && blockSize == 0) {
      blockSize = VhdFormat.DEFAULT_BLOCK_SIZE;
    }
    if (parent != null) {
      parentRead.put("path", parent);
    }
    VhdReadOptions read = VhdReadOptions.parse(parentRead, VhdReadOptions.SessionDefaults.spark());
    return new VhdWriteOptions(target, parent, type, size, (int) blockSize, read);
  }
}

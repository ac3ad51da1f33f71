package org.vhdspark.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;

/**
 * The parent locators of a differencing image: the locator rules of blktap's vhd-util check, and
 * whether each path leads to the parent the chain uses.
 */
final class LocatorRules implements ImageRule {
  private static final int RESERVED = 12;

  @Override
  public void check(CheckedImage image) throws IOException {
    if (image.image().type() != DiskType.DIFFERENCING) {
      return;
    }
    DynamicHeader header = image.header();
    long entriesOffset = DynamicHeader.locatorEntryOffset(image.headerOffset(), 0);
    ByteBuffer entries = image.read(entriesOffset, ParentLocator.SLOTS * ParentLocator.ENTRY_SIZE);
    Map<Integer, Integer> slotOfCode = new HashMap<>();
    int pathLocators = 0;
    for (ParentLocator locator : header.locators()) {
      int at = locator.slot() * ParentLocator.ENTRY_SIZE;
      long entryOffset = entriesOffset + at;
      if (locator.isEmpty()) {
        if (CheckedImage.firstNonZero(entries, at, ParentLocator.ENTRY_SIZE) >= 0) {
          image.error("parent locator " + locator.slot() + " at offset " + entryOffset
              + " has platform code 0 (an empty slot) but other fields set; an empty slot is all zeros");
        }
        continue;
      }
      boolean readable = checkEntry(image, locator, entries.getInt(at + RESERVED), entryOffset, slotOfCode);
      if (!locator.isPath()) {
        if (locator.platform() != null) {
          image.warning("parent locator " + locator.slot() + " has the deprecated platform code " + locator.codeLabel()
              + "; readers ignore it");
        }
        continue;
      }
      pathLocators++;
      if (readable) {
        checkPath(image, locator, entryOffset);
      }
    }
    if (pathLocators == 0) {
      image.error("no W2ru, W2ku or MacX parent locator: only readers that search by the parent's name (libvhdi, this "
          + "library) find the parent; vhd-util check, QEMU and Windows need a locator");
    }
  }

  /** The entry's own rules; whether its payload can be read. */
  private static boolean checkEntry(CheckedImage image, ParentLocator locator, int reserved, long entryOffset,
      Map<Integer, Integer> slotOfCode) throws IOException {
    String structure = "parent locator " + locator.slot();
    if (locator.platform() == null) {
      image.fieldError(structure, "platform code", entryOffset, "W2ru, W2ku, MacX, Wi2r, Wi2k, Mac or 0",
          CheckedImage.hex32(locator.code()) + " (\"" + VhdFormat.fourCc(locator.code()) + "\")");
      return false;
    }
    Integer earlier = slotOfCode.putIfAbsent(locator.code(), locator.slot());
    if (earlier != null) {
      image.error("parent locators " + earlier + " and " + locator.slot() + " both have the platform code "
          + locator.codeLabel() + "; vhd-util check allows one locator per platform");
    }
    if (reserved != 0) {
      image.fieldError(structure, "reserved", entryOffset + RESERVED, "0", CheckedImage.hex32(reserved));
    }
    long offset = locator.dataOffset();
    long space = locator.dataSpaceBytes();
    long length = Integer.toUnsignedLong(locator.dataLength());
    if (offset == 0) {
      image.fieldError(structure, "platform data offset", entryOffset + 16, "non-zero", "0");
    }
    if (space == 0) {
      image.fieldError(structure, "platform data space", entryOffset + 4, "non-zero", "0");
    }
    if (length == 0) {
      image.fieldError(structure, "platform data length", entryOffset + 8, "non-zero", "0");
    } else if (length > space) {
      image.fieldError(structure, "platform data length", entryOffset + 8, "at most the data space (" + space + " bytes)",
          Long.toString(length));
    } else if (length > ParentLocator.MAX_PAYLOAD) {
      image.fieldError(structure, "platform data length", entryOffset + 8, "at most " + ParentLocator.MAX_PAYLOAD + " bytes",
          Long.toString(length));
    }
    long extent = Math.max(space, length);
    long dataEnd = image.dataEnd();
    if (offset != 0 && (offset < 0 || offset > dataEnd - extent)) {
      image.error(String.format(Locale.ROOT, "%s: its %,d bytes of platform data at offset %,d pass the footer at offset %,d",
          structure, extent, offset, dataEnd));
    }
    return offset > 0 && length > 0 && length <= ParentLocator.MAX_PAYLOAD && offset <= image.fileSize() - length;
  }

  private static void checkPath(CheckedImage image, ParentLocator locator, long entryOffset) throws IOException {
    byte[] payload = new byte[locator.dataLength()];
    image.read(locator.dataOffset(), payload.length).get(payload);
    String path;
    try {
      path = locator.decodePath(payload, entryOffset, new ParseContext(image.name(), true));
    } catch (VhdFormatException e) {
      image.error(e.detail());
      return;
    }
    String described = "parent locator " + locator.slot() + " (" + locator.codeLabel() + " \"" + path + "\")";
    String target = locator.platform() == PlatformCode.MACX ? fileUrlPath(path) : path;
    String parentName = image.header().parentUnicodeName();
    if (!lastElement(target).equals(lastElement(parentName))) {
      image.error(described + " names " + lastElement(target) + ", but the parent unicode name is \"" + parentName
          + "\"; vhd-util check requires the same file name");
    }
    checkTarget(image, described, target);
  }

  /** Warns when a path this machine can follow does not lead to the parent the chain uses. */
  private static void checkTarget(CheckedImage image, String described, String target) throws IOException {
    Location parent = image.parent();
    String slashed = target.replace('\\', '/');
    if (parent == null || slashed.matches("^[A-Za-z]:/.*") || slashed.startsWith("//")) {
      return;
    }
    Location folder = image.location().folder();
    Location pointed = slashed.startsWith("/") ? new Location(folder.root(), slashed) : folder.resolve(slashed);
    ImageStore store = image.store();
    if (!store.exists(pointed)) {
      image.warning(described + " points at " + pointed + ", which does not exist; the parent in use is " + parent);
    } else if (!store.canonical(pointed).equals(store.canonical(parent))) {
      image.warning(described + " points at " + pointed + ", not at the parent in use " + parent);
    }
  }

  /** The last element of a path, split on both separators, as vhd-util check's basename sees it. */
  static String lastElement(String path) {
    return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  }

  /** The path of a file:// URL: host "localhost" dropped, percent escapes decoded. */
  static String fileUrlPath(String url) {
    String path = url.substring("file://".length());
    if (path.startsWith("localhost/")) {
      path = path.substring("localhost".length());
    }
    if (path.indexOf('%') < 0) {
      return path;
    }
    byte[] raw = path.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      int high = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int low = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
      if (raw[i] == '%' && high >= 0 && low >= 0) {
        decoded.write(high << 4 | low);
        i += 2;
      } else {
        decoded.write(raw[i]);
      }
    }
    return decoded.toString(StandardCharsets.UTF_8);
  }
}

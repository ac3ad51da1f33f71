package org.vhdspark.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One parent locator entry of the dynamic header (24 bytes): where the payload naming the parent
 * lies in the file, and how to decode it.
 *
 * <pre>
 *   0  platform code         4
 *   4  platform data space   4   sectors per the specification; bytes in what Windows and blktap write
 *   8  platform data length  4   bytes used
 *  12  reserved              4
 *  16  platform data offset  8   absolute byte offset
 * </pre>
 */
public record ParentLocator(int slot, int code, int dataSpace, int dataLength, long dataOffset) {
  public static final int ENTRY_SIZE = 24;
  public static final int SLOTS = 8;
  /** Longest payload we read: a path of 32,767 UTF-16 units, as Windows allows. */
  public static final int MAX_PAYLOAD = 65_536;

  /**
   * Data space in bytes. The specification says sectors; Hyper-V, Virtual PC and blktap write bytes.
   * Values below 512 are read as sectors, others as bytes.
   */
  public long dataSpaceBytes() {
    long space = VhdFormat.toUnsigned(dataSpace);
    return space < VhdFormat.SECTOR_SIZE ? space * VhdFormat.SECTOR_SIZE : space;
  }

  /** The platform, or null for a code the format does not define. */
  public PlatformCode platform() {
    return PlatformCode.ofCode(code);
  }

  /** The code as written, e.g. "W2ru", for messages. */
  public String codeLabel() {
    return VhdFormat.fourCc(code).trim();
  }

  public boolean isEmpty() {
    return code == 0;
  }

  /** Whether the payload holds a path this library can follow (W2ru, W2ku, MacX). */
  public boolean isPath() {
    PlatformCode platform = platform();
    return platform == PlatformCode.W2RU || platform == PlatformCode.W2KU || platform == PlatformCode.MACX;
  }

  /** Reads an entry as it is; what it points at is checked by {@link #validate} when it is used. */
  static ParentLocator parse(ByteBuffer header, int index, int slot, long fileOffset, ParseContext ctx) {
    int reserved = header.getInt(index + 12);
    if (reserved != 0) {
      ctx.warn("parent locator " + slot + " reserved field at offset " + (fileOffset + 12) + " is "
          + VhdFormat.hex32(reserved) + ", not 0");
    }
    return new ParentLocator(slot, header.getInt(index), header.getInt(index + 4), header.getInt(index + 8),
        header.getLong(index + 16));
  }

  void writeTo(ByteBuffer header, int index) {
    header.putInt(index, code);
    header.putInt(index + 4, dataSpace);
    header.putInt(index + 8, dataLength);
    header.putInt(index + 12, 0);
    header.putLong(index + 16, dataOffset);
  }

  /** Checks that the payload is of sane length and lies inside the file, before anyone reads it. */
  public void validate(long fileSize, long entryOffset, ParseContext ctx) throws VhdFormatException {
    String structure = "parent locator " + slot;
    if (platform() == null) {
      throw ctx.error(structure, "platform code", entryOffset, "W2ru, W2ku, MacX, Wi2r, Wi2k, Mac or 0",
          VhdFormat.hex32(code) + " (\"" + VhdFormat.fourCc(code) + "\")");
    }
    long length = VhdFormat.toUnsigned(dataLength);
    if (length == 0) {
      throw ctx.error(structure, "platform data length", entryOffset + 8, "> 0", "0");
    }
    if (length > MAX_PAYLOAD) {
      throw ctx.error(structure, "platform data length", entryOffset + 8, "at most " + MAX_PAYLOAD, Long.toString(length));
    }
    if (length > dataSpaceBytes()) {
      throw ctx.error(structure, "platform data length", entryOffset + 8,
          "at most the data space (" + dataSpaceBytes() + " bytes)", Long.toString(length));
    }
    if (dataOffset <= 0 || dataOffset > fileSize - length) {
      throw ctx.error(structure, "platform data offset", entryOffset + 16,
          "a payload of " + length + " bytes inside the file (" + fileSize + " bytes)", Long.toString(dataOffset));
    }
  }

  /** Decodes the payload into the path it names, exactly as written (separators untouched). */
  public String decodePath(byte[] payload, long entryOffset, ParseContext ctx) throws VhdFormatException {
    String structure = "parent locator " + slot;
    PlatformCode platform = platform();
    Charset charset = platform == PlatformCode.MACX ? StandardCharsets.UTF_8 : StandardCharsets.UTF_16LE;
    String text;
    try {
      CharBuffer chars = charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      throw ctx.error(structure, "platform data", dataOffset, "a path in " + charset.name(), "undecodable bytes");
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      text = text.substring(0, nul);
    }
    if (text.isEmpty()) {
      throw ctx.error(structure, "platform data", dataOffset, "a non-empty path", "an empty one");
    }
    if (platform == PlatformCode.MACX && !text.startsWith("file://")) {
      throw ctx.error(structure, "platform data", dataOffset, "a file:// URL", "\"" + text + "\"");
    }
    return text;
  }
}

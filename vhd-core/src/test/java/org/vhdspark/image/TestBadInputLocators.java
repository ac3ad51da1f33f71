package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.image.TestBadInputSupport.BLOCK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.DISK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.detail;
import static org.vhdspark.image.TestBadInputSupport.open;
import static org.vhdspark.image.TestBadInputSupport.readAll;
import static org.vhdspark.image.TestBadInputSupport.sectors;
import static org.vhdspark.image.TestBadInputSupport.warnings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.testing.ImageBuilder;

/**
 * Case 11 of the bad-input list (docs/bad-input.md): a differencing image's broken locator is skipped
 * with a warning, and the others still name the parent.
 */
class TestBadInputLocators {
  private static final String W2RU = "W2ru=.\\parent.vhd";
  private static final String W2KU = "W2ku=.\\parent.vhd";
  private static final String MACX = "MacX=file://./parent.vhd";

  /** Locator payloads: W2ru at 2048 (24 bytes), W2ku at 2560 (24), MacX at 3072 (19); one block at 3584. */
  private static ImagePatch child() throws IOException {
    return ImagePatch.of(ImageBuilder.differencing(DISK_SIZE, UUID.randomUUID(), "parent.vhd")
        .blockSize(BLOCK_SIZE).write(2, sectors(1, 0x77)).toBytes());
  }

  private static long entry(int slot) {
    return ImagePatch.locatorField(slot, 0);
  }

  @Test
  void validLocatorsAreAllRead() throws IOException {
    try (VhdImage opened = open(child().bytes())) {
      assertThat(opened.findings()).isEmpty();
      assertThat(paths(opened)).containsExactly(W2RU, W2KU, MACX);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x41424344, 0x57327200, 1, -1})
  void locatorWithAnUnknownCodeIsSkipped(int code) throws IOException {
    byte[] image = child().locatorInt(0, ImagePatch.LOCATOR_CODE, code).bytes();

    assertSkipped(image, detail("parent locator 0", "platform code", entry(0), "W2ru, W2ku, MacX, Wi2r, Wi2k, Mac or 0",
        String.format("0x%08X (\"%s\")", code, VhdFormat.fourCc(code))), W2KU, MACX);
  }

  @Test
  void locatorOfZeroLengthIsSkipped() throws IOException {
    byte[] image = child().locatorInt(1, ImagePatch.LOCATOR_DATA_LENGTH, 0).bytes();

    assertSkipped(image, detail("parent locator 1", "platform data length", entry(1) + 8, "> 0", "0"), W2RU, MACX);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 8686, 8704, 1L << 40, Long.MAX_VALUE})
  void locatorWithDataBeyondTheFileIsSkipped(long offset) throws IOException {
    ImagePatch patch = child().locatorLong(2, ImagePatch.LOCATOR_DATA_OFFSET, offset);
    assertThat(patch.bytes()).hasSize(8704);

    assertSkipped(patch.bytes(), detail("parent locator 2", "platform data offset", entry(2) + 16,
        "a payload of 19 bytes inside the file (8704 bytes)", Long.toString(offset)), W2RU, W2KU);
  }

  @Test
  void locatorLongerThanItsSpaceIsSkipped() throws IOException {
    byte[] image = child().locatorInt(0, ImagePatch.LOCATOR_DATA_LENGTH, 513).bytes();

    assertSkipped(image, detail("parent locator 0", "platform data length", entry(0) + 8,
        "at most the data space (512 bytes)", "513"), W2KU, MACX);
  }

  @Test
  void locatorSpaceCountedInSectorsBoundsTheLength() throws IOException {
    // A space below 512 is sectors (as the specification says): 1 sector holds 512 bytes, not 600.
    byte[] image = child().locatorInt(1, ImagePatch.LOCATOR_DATA_SPACE, 1).locatorInt(1, ImagePatch.LOCATOR_DATA_LENGTH, 600).bytes();

    assertSkipped(image, detail("parent locator 1", "platform data length", entry(1) + 8,
        "at most the data space (512 bytes)", "600"), W2RU, MACX);
  }

  @ParameterizedTest
  @ValueSource(ints = {65_537, 0x7FFFFFFF, 0xFFFFFFFF})
  void locatorLongerThanAnyPathIsSkippedBeforeAnyAllocation(int length) throws IOException {
    byte[] image = child().locatorInt(0, ImagePatch.LOCATOR_DATA_SPACE, -1).locatorInt(0, ImagePatch.LOCATOR_DATA_LENGTH, length).bytes();

    assertSkipped(image, detail("parent locator 0", "platform data length", entry(0) + 8, "at most 65536",
        Integer.toUnsignedString(length)), W2KU, MACX);
  }

  @Test
  void utf16LocatorWithAnUnpairedSurrogateIsSkipped() throws IOException {
    // "A", a lone high surrogate, "B": no valid UTF-16LE.
    byte[] payload = {0x41, 0x00, 0x00, (byte) 0xD8, 0x42, 0x00};
    byte[] image = child().put(2048, payload).locatorInt(0, ImagePatch.LOCATOR_DATA_LENGTH, payload.length).bytes();

    assertSkipped(image, detail("parent locator 0", "platform data", 2048, "a path in UTF-16LE", "undecodable bytes"), W2KU, MACX);
  }

  @Test
  void utf16LocatorOfOddLengthIsSkipped() throws IOException {
    byte[] image = child().locatorInt(1, ImagePatch.LOCATOR_DATA_LENGTH, 23).bytes();

    assertSkipped(image, detail("parent locator 1", "platform data", 2560, "a path in UTF-16LE", "undecodable bytes"), W2RU, MACX);
  }

  @Test
  void macxLocatorOfInvalidUtf8IsSkipped() throws IOException {
    byte[] payload = {'f', 'i', 'l', 'e', ':', '/', '/', (byte) 0xC3, 0x28};
    byte[] image = child().put(3072, payload).locatorInt(2, ImagePatch.LOCATOR_DATA_LENGTH, payload.length).bytes();

    assertSkipped(image, detail("parent locator 2", "platform data", 3072, "a path in UTF-8", "undecodable bytes"), W2RU, W2KU);
  }

  @Test
  void macxLocatorWithoutFileSchemeIsSkipped() throws IOException {
    byte[] payload = "./parent.vhd".getBytes(StandardCharsets.UTF_8);
    byte[] image = child().put(3072, Arrays.copyOf(payload, 19)).locatorInt(2, ImagePatch.LOCATOR_DATA_LENGTH, payload.length).bytes();

    assertSkipped(image, detail("parent locator 2", "platform data", 3072, "a file:// URL", "\"./parent.vhd\""), W2RU, W2KU);
  }

  @Test
  void locatorOfOnlyNulsIsSkipped() throws IOException {
    byte[] image = child().put(2048, new byte[24]).bytes();

    assertSkipped(image, detail("parent locator 0", "platform data", 2048, "a non-empty path", "an empty one"), W2KU, MACX);
  }

  @Test
  void locatorWithADeprecatedCodeIsNotUsed() throws IOException {
    byte[] image = child().locatorInt(0, ImagePatch.LOCATOR_CODE, VhdFormat.fourCc("Wi2r")).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("parent locator 0 has deprecated platform code Wi2r; not used");
      assertThat(paths(opened)).containsExactly(W2KU, MACX);
    }
  }

  @Test
  void locatorWithReservedBitsSetIsAWarning() throws IOException {
    byte[] image = child().locatorInt(1, 12, 1).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("parent locator 1 reserved field at offset " + (entry(1) + 12) + " is 0x00000001, not 0");
      assertThat(paths(opened)).containsExactly(W2RU, W2KU, MACX);
    }
  }

  @Test
  void everyLocatorBrokenLeavesTheDeltaReadable() throws IOException {
    byte[] image = child()
        .locatorInt(0, ImagePatch.LOCATOR_CODE, 0x41424344)
        .locatorInt(1, ImagePatch.LOCATOR_DATA_LENGTH, 0)
        .locatorLong(2, ImagePatch.LOCATOR_DATA_OFFSET, 1L << 40).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).hasSize(3).allMatch(w -> w.startsWith("unusable parent locator "));
      assertThat(opened.locatorPaths()).isEmpty();
      assertThat(Arrays.copyOfRange(readAll(opened), 1024, 1536)).isEqualTo(sectors(1, 0x77));
    }
  }

  private static void assertSkipped(byte[] image, String why, String... remaining) throws IOException {
    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("unusable " + why);
      assertThat(paths(opened)).containsExactly(remaining);
      assertThat(Arrays.copyOfRange(readAll(opened), 1024, 1536)).isEqualTo(sectors(1, 0x77));
    }
  }

  private static java.util.List<String> paths(VhdImage image) {
    return image.locatorPaths().stream().map(l -> l.locator().codeLabel() + "=" + l.path()).toList();
  }
}

package org.vhdspark.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.Finding;
import org.vhdspark.Finding.Severity;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

/** Every rule on an image crafted to break it (and only it), and the real images of the fixtures. */
class TestImageChecker {
  private static final long SIZE = 8L << 20;
  private static final Instant NOW = Instant.now();
  /** Where ImageBuilder puts the parent locator entries, the BAT and the batmap of an 8 MiB image. */
  private static final int LOCATORS = Patch.HEADER + 576;
  private static final int BATMAP = 1536 + 512;

  @TempDir
  Path dir;

  @Test
  void cleanImagesHaveNoFindings() throws IOException {
    assertThat(check(write("dynamic.vhd", ImageBuilder.dynamic(SIZE).write(0, sectors(8)).write(5000, sectors(3))))).isEmpty();
    assertThat(check(write("fixed.vhd", ImageBuilder.fixed(SIZE).write(7, sectors(2))))).isEmpty();
  }

  @Test
  void cleanChainHasNoFindings() throws IOException {
    Path child = chain(builder -> builder.write(100, sectors(4)));
    assertThat(check(child)).isEmpty();
  }

  @Test
  void footerChecksumIsAnErrorUnlessVerificationIsOff() throws IOException {
    Path image = write("image.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.raw(b -> {
      b.putInt(64, 0x12345678);
      b.putInt(b.limit() - 512 + 64, 0x12345678);
    })));
    long end = Files.size(image) - 512;
    assertOnly(check(image), Severity.ERROR, "footer field 'checksum' at offset " + String.format("%,d", end + 64));
    assertOnly(check(image, VhdOptions.defaults().withoutChecksumVerification()), Severity.WARNING,
        "footer field 'checksum'", "accepted: checksum verification is off");
  }

  @Test
  void footerCopyThatDiffersIsAnError() throws IOException {
    Path image = write("image.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.endFooter(b -> b.putInt(24, 12345))));
    assertOnly(check(image), Severity.ERROR, "footer copy at offset 0 differs from the footer at the end in timestamp, checksum");
  }

  @Test
  void missingFooterCopyIsAnError() throws IOException {
    Path image = write("image.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.raw(b -> b.put(0, new byte[512]))));
    assertOnly(check(image), Severity.ERROR, "no footer copy at offset 0");
  }

  @Test
  void geometryLargerThanTheSpecificationsIsAnError() throws IOException {
    Path large = write("large.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(56, 1000 << 16 | 16 << 8 | 63))));
    assertOnly(check(large), Severity.ERROR, "footer field 'geometry'", "at most 240/4/17", "found 1000/16/63");
    Path small = write("small.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(56, 1 << 16 | 1 << 8 | 1))));
    assertThat(check(small)).isEmpty();
  }

  @Test
  void qemuForceSizeGeometryMarkerIsOnlyAWarning() throws IOException {
    Path image = write("qemu.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(56, 0xFFFF10FF))));
    assertOnly(check(image), Severity.WARNING, "found 65535/16/255", "QEMU's marker", "vhd-util check refuses it");
  }

  @Test
  void savedStateHiddenFlagAndReservedBytesAreChecked() throws IOException {
    assertOnly(check(write("saved.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.put(84, (byte) 2))))),
        Severity.ERROR, "'saved state'", "expected 0 or 1, found 2");
    assertOnly(check(write("hidden.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.put(85, (byte) 2))))),
        Severity.ERROR, "hidden flag");
    assertThat(check(write("hidden-ok.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.put(85, (byte) 1))))))
        .isEmpty();
    assertOnly(check(write("reserved.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.put(300, (byte) 7))))),
        Severity.ERROR, "footer field 'reserved'", "found 0x07");
  }

  @Test
  void nullUniqueIdIsAnError() throws IOException {
    Path image = write("image.vhd", ImageBuilder.fixed(SIZE).uniqueId(VhdFormat.NULL_UUID));
    assertOnly(check(image), Severity.ERROR, "footer field 'unique id'");
  }

  @Test
  void timestampInTheFutureIsAnErrorPastHalfAnHourOfSkew() throws IOException {
    int inTwoDays = VhdFormat.instantToTimestamp(NOW.plus(Duration.ofDays(2)));
    assertOnly(check(write("future.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(24, inTwoDays))))),
        Severity.ERROR, "footer field 'timestamp'");
    int inTenMinutes = VhdFormat.instantToTimestamp(NOW.plus(Duration.ofMinutes(10)));
    assertThat(check(write("skew.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(24, inTenMinutes))))))
        .isEmpty();
  }

  @Test
  void featuresAndVersionAreChecked() throws IOException {
    assertOnly(check(write("unknown.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(8, 0x6))))),
        Severity.ERROR, "'features'", "no bits but 0x1 (temporary) and 0x2 (reserved)");
    assertOnly(check(write("unreserved.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(8, 0x1))))),
        Severity.ERROR, "'features'", "the reserved bit 0x2 set");
    assertOnly(check(write("version.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.footers(b -> b.putInt(12, 0x00010001))))),
        Severity.ERROR, "'format version'");
  }

  @Test
  void headerRulesAreChecked() throws IOException {
    assertOnly(check(write("reserved.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.header(b -> b.put(900, (byte) 1))))),
        Severity.ERROR, "dynamic header field 'reserved' at offset 1,412");
    assertOnly(check(write("offset.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.header(b -> b.putLong(8, 0xFFFFFFFFL))))),
        Severity.ERROR, "dynamic header field 'data offset'");
    assertOnly(check(write("checksum.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.raw(b -> b.putInt(Patch.HEADER + 36, 1))))),
        Severity.ERROR, "dynamic header field 'checksum'");
    assertOnly(check(write("blocks.vhd", ImageBuilder.dynamic(SIZE).blockSize(4 << 20))),
        Severity.ERROR, "dynamic header field 'block size'", "at most 2 MiB");
  }

  @Test
  void dynamicImageNamingAParentIsAnError() throws IOException {
    Path image = write("image.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.header(b -> b.putLong(40, 1))));
    assertOnly(check(image), Severity.ERROR, "has no parent, yet its dynamic header sets parent unique id");
  }

  @Test
  void duplicatePlatformCodesAreAnError() throws IOException {
    Path child = chain(builder -> builder.locator(PlatformCode.W2RU, ".\\base.vhd"));
    assertOnly(check(child), Severity.ERROR, "parent locators 0 and 3 both have the platform code W2ru");
  }

  @Test
  void locatorNamingAnotherFileIsAnError() throws IOException {
    Path child = chain(builder -> builder.clearLocators().locator(PlatformCode.W2RU, ".\\base.vhd")
        .locator(PlatformCode.MACX, "file://./other.vhd"));
    List<Finding> findings = check(child);
    assertThat(errors(findings)).singleElement().asString()
        .contains("parent locator 1 (MacX \"file://./other.vhd\") names other.vhd, but the parent unicode name is \"base.vhd\"");
    assertThat(warnings(findings)).singleElement().asString().contains("other.vhd, which does not exist");
  }

  @Test
  void locatorLeadingElsewhereIsAWarning() throws IOException {
    Path child = chain(builder -> builder.clearLocators().locator(PlatformCode.W2RU, ".\\base.vhd")
        .locator(PlatformCode.MACX, "file://./sub/base.vhd"));
    assertOnly(check(child), Severity.WARNING, "points at " + dir.resolve("sub/base.vhd") + ", which does not exist",
        "the parent in use is " + dir.resolve("base.vhd"));
    Files.createDirectories(dir.resolve("sub"));
    Files.copy(dir.resolve("base.vhd"), dir.resolve("sub/base.vhd"));
    assertOnly(check(child), Severity.WARNING, "points at " + dir.resolve("sub/base.vhd") + ", not at the parent in use");
  }

  @Test
  void childWithoutPathLocatorsIsAnError() throws IOException {
    Path child = chain(ImageBuilder::clearLocators);
    assertOnly(check(child), Severity.ERROR, "no W2ru, W2ku or MacX parent locator");
  }

  @Test
  void deprecatedPlatformCodeIsAWarning() throws IOException {
    Path child = chain(builder -> builder.locatorRaw(PlatformCode.WI2K.code(), "C:\\base.vhd".getBytes()));
    assertOnly(check(child), Severity.WARNING, "parent locator 3 has the deprecated platform code Wi2k");
  }

  @Test
  void unknownPlatformCodeIsAnError() throws IOException {
    Path child = chain(builder -> builder.locatorRaw(VhdFormat.fourCc("abcd"), new byte[16]));
    assertOnly(check(child), Severity.ERROR, "parent locator 3 field 'platform code'", "\"abcd\"");
  }

  @Test
  void locatorEntryFieldsAreChecked() throws IOException {
    assertOnly(check(chain(builder -> builder.damage(Patch.header(b -> b.putLong(576 + 16, 0))))),
        Severity.ERROR, "parent locator 0 field 'platform data offset'", "expected non-zero");
    assertOnly(check(chain(builder -> builder.damage(Patch.header(b -> b.putInt(576 + 12, 9))))),
        Severity.ERROR, "parent locator 0 field 'reserved'");
    assertOnly(check(chain(builder -> builder.damage(Patch.header(b -> b.putInt(576 + 7 * 24 + 4, 5))))),
        Severity.ERROR, "parent locator 7", "platform code 0 (an empty slot) but other fields set");
    assertOnly(check(chain(builder -> builder.damage(Patch.header(b -> b.putInt(576 + 4, 0x7FFFF000))))),
        Severity.ERROR, "parent locator 0: its 2,147,479,552 bytes of platform data", "pass the footer");
  }

  @Test
  void blockBeforeTheEndOfTheLocatorDataIsAnError() throws IOException {
    // The locator's payload is short; its data space, 1 MiB, reaches over the first block.
    Path child = chain(builder -> builder.write(0, sectors(1)).damage(Patch.header(b -> b.putInt(576 + 4, 1 << 20))));
    assertOnly(check(child), Severity.ERROR, "1 block(s) start before the end of the metadata", "first: block 0");
  }

  @Test
  void parentNotFoundIsAnError() throws IOException {
    Path child = write("child.vhd", ImageBuilder.differencing(SIZE, UUID.randomUUID(), "base.vhd"));
    assertOnly(check(child), Severity.ERROR, "parent ", "not found; tried: " + dir.resolve("base.vhd"));
  }

  @Test
  void missingGrandparentStillChecksTheLayersFound() throws IOException {
    ImageBuilder middle = ImageBuilder.differencing(SIZE, UUID.randomUUID(), "base.vhd");
    write("middle.vhd", middle);
    // A broken rule in the middle layer: it is checked although its own parent is missing.
    Path top = write("top.vhd", ImageBuilder.differencing(SIZE, middle.uniqueId(), "middle.vhd"));
    java.nio.file.Files.write(dir.resolve("middle.vhd"), Patch.footers(f -> f.put(84, (byte) 7)).apply(
        java.nio.file.Files.readAllBytes(dir.resolve("middle.vhd"))));
    List<Finding> findings = check(top);
    assertThat(findings).anyMatch(f -> f.source().equals(dir.resolve("middle.vhd").toString())
        && f.severity() == Severity.ERROR && f.message().contains("not found; tried: " + dir.resolve("base.vhd")));
    assertThat(findings).anyMatch(f -> f.source().equals(dir.resolve("middle.vhd").toString())
        && f.message().contains("saved state"));
  }

  @Test
  void parentUniqueIdMismatchIsAnErrorUnlessVerificationIsOff() throws IOException {
    write("base.vhd", ImageBuilder.dynamic(SIZE));
    Path child = write("child.vhd", ImageBuilder.differencing(SIZE, UUID.randomUUID(), "base.vhd"));
    assertOnly(check(child), Severity.ERROR, "not found", "expected");
    assertOnly(check(child, VhdOptions.defaults().withoutParentUuidVerification()), Severity.WARNING,
        "accepted: parent unique id verification is off");
  }

  @Test
  void nullParentUniqueIdIsAWarning() throws IOException {
    write("base.vhd", ImageBuilder.dynamic(SIZE));
    Path child = write("child.vhd", ImageBuilder.differencing(SIZE, VhdFormat.NULL_UUID, "base.vhd"));
    assertOnly(check(child), Severity.WARNING, "the parent unique id is null");
  }

  @Test
  void validBatmapHasNoFindings() throws IOException {
    assertThat(check(write("tap.vhd", tapImage()))).isEmpty();
  }

  @Test
  void batmapWithBadChecksumIsAnError() throws IOException {
    Path image = write("tap.vhd", tapImage().damage(Patch.raw(b -> b.putInt(BATMAP + 24, 0))));
    assertOnly(check(image), Severity.ERROR, "batmap header field 'checksum'", "readers ignore the batmap");
  }

  @Test
  void batmapMarkingAnUnallocatedBlockFullIsAnError() throws IOException {
    Path image = write("tap.vhd", tapImage().damage(batmapBits(0x80 | 0x10)));
    assertOnly(check(image), Severity.ERROR, "the batmap marks block 3 full, but the BAT leaves it unallocated");
  }

  @Test
  void batmapMarkingAPartialBlockFullIsAnError() throws IOException {
    Path image = write("tap.vhd", tapImage().write(SIZE / 512 / 4, sectors(10)).damage(batmapBits(0x80 | 0x40)));
    assertOnly(check(image), Severity.ERROR, "the batmap marks 1 block(s) full whose bitmaps lack sectors (first: block 1)");
  }

  @Test
  void batPaddingOtherThanAllOnesOrZerosIsAWarning() throws IOException {
    Path zeros = write("zeros.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.raw(b -> b.put(1536 + 16, new byte[512 - 16]))));
    assertThat(check(zeros)).isEmpty();
    Path garbage = write("garbage.vhd", ImageBuilder.dynamic(SIZE).damage(Patch.raw(b -> b.putInt(1536 + 40, 0x12345678))));
    assertOnly(check(garbage), Severity.WARNING, "BAT padding entry 10 at offset 1,576 is 0x12345678");
  }

  @Test
  void legacyFooterIsAWarning() throws IOException {
    Path image = write("legacy.vhd", ImageBuilder.fixed(SIZE).damage(bytes -> Arrays.copyOf(bytes, bytes.length - 1)));
    assertOnly(check(image), Severity.WARNING, "a 511-byte footer");
  }

  @Test
  void imageThatCannotBeOpenedIsOneError() throws IOException {
    Path image = Files.write(dir.resolve("short.vhd"), new byte[100]);
    assertOnly(check(image), Severity.ERROR, "cannot be opened: file field 'size'");
  }

  @Test
  void missingFileIsThrown() {
    assertThatThrownBy(() -> check(dir.resolve("missing.vhd"))).isInstanceOf(NoSuchFileException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapLevelsPassAsTheyPassVhdUtilCheck(String level) throws IOException {
    assertThat(systemClockCheck(Fixtures.blktap(level))).isEmpty();
  }

  @Test
  void dfvfsImageHasAWrongFooterChecksum() throws IOException {
    assertOnly(systemClockCheck(Fixtures.dfvfs("image.vhd")), Severity.ERROR, "image.vhd: footer field 'checksum'");
  }

  @Test
  void windowsChildWithoutItsParentReportsParentNotFound() throws IOException {
    assertOnly(systemClockCheck(Fixtures.dfvfs("fat-differential.vhd")), Severity.ERROR,
        "parent 5fa21a55-f394-aa4d-9958-1951a67d5540", "not found", Fixtures.dfvfs("fat-parent.vhd").toString());
  }

  @Test
  void handEditedChildReportsBothChecksumsAndItsMissingLocators() throws IOException {
    List<Finding> findings = systemClockCheck(Fixtures.dfvfs("image-differential.vhd"));
    assertThat(errors(findings)).extracting(Finding::message).satisfiesExactlyInAnyOrder(
        m -> assertThat(m).startsWith("footer field 'checksum'"),
        m -> assertThat(m).startsWith("dynamic header field 'checksum'"),
        m -> assertThat(m).startsWith("no W2ru, W2ku or MacX parent locator"),
        m -> assertThat(m).startsWith("footer field 'checksum'"));
    assertThat(errors(findings).get(3).source()).endsWith("image.vhd");
  }

  /** A dynamic parent "base.vhd" and a child of it, customised; returns the child. */
  private Path chain(java.util.function.UnaryOperator<ImageBuilder> customise) throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(SIZE).write(0, sectors(16));
    write("base.vhd", base);
    return write("child.vhd", customise.apply(ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd")));
  }

  /** A blktap image with a batmap: block 0 full, block 3 unallocated. */
  private static ImageBuilder tapImage() {
    return ImageBuilder.dynamic(SIZE).withBatmap().alignBlocks().write(0, sectors(4096)).write(SIZE / 512 / 2, sectors(1));
  }

  /** Sets the batmap's first byte and makes its checksum right again. */
  private static java.util.function.UnaryOperator<byte[]> batmapBits(int firstByte) {
    return Patch.raw(b -> {
      b.put(BATMAP + 512, (byte) firstByte);
      int sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += b.get(BATMAP + 512 + i) & 0xFF;
      }
      b.putInt(BATMAP + 24, ~sum);
    });
  }

  private Path write(String name, ImageBuilder builder) throws IOException {
    return builder.writeTo(dir.resolve(name));
  }

  private static List<Finding> check(Path image) throws IOException {
    return check(image, VhdOptions.defaults());
  }

  private static List<Finding> check(Path image, VhdOptions options) throws IOException {
    return new ImageChecker(LocalImageStore.INSTANCE, options, Clock.fixed(NOW, ZoneOffset.UTC)).check(Location.of(image));
  }

  private static List<Finding> systemClockCheck(Path image) throws IOException {
    return new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(image));
  }

  /** Exactly one finding, of this severity, whose text holds every fragment. */
  private static void assertOnly(List<Finding> findings, Severity severity, String... fragments) {
    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.severity()).isEqualTo(severity);
      assertThat(finding.toString()).contains(fragments);
    });
  }

  private static List<Finding> errors(List<Finding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
  }

  private static List<Finding> warnings(List<Finding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
  }

  private static byte[] sectors(int count) {
    byte[] data = new byte[count * 512];
    Arrays.fill(data, (byte) 0x5A);
    return data;
  }
}

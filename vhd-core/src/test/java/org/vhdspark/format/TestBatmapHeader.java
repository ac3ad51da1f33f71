package org.vhdspark.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Case 13 of the bad-input list: the batmap's size is bounded by the BAT before anything is allocated. */
class TestBatmapHeader {
  private static final long AT = 33_280;
  private static final long FILE_SIZE = 1L << 40;

  private static ByteBuffer header(int mapSectors) {
    ByteBuffer b = ByteBuffer.allocate(Batmap.HEADER_SIZE);
    b.put(Batmap.COOKIE);
    b.putLong(Batmap.MAP_OFFSET, AT + 512);
    b.putInt(Batmap.MAP_SIZE, mapSectors);
    b.putInt(Batmap.VERSION, Batmap.VERSION_1_2);
    return b.rewind();
  }

  private static Batmap.Header parse(int mapSectors, int blocks, int maxTableEntries) throws VhdFormatException {
    return Batmap.parseHeader(header(mapSectors), AT, blocks, maxTableEntries, FILE_SIZE, new ParseContext("t.vhd", true));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void mapMaySpanFromTheBlocksInUseToTheMaxTableEntries(int mapSectors) throws VhdFormatException {
    // 16 blocks need one sector of map; 8,192 table entries (vhd-util create -S) two.
    assertThat(parse(mapSectors, 16, 8192).mapSectors()).isEqualTo(mapSectors);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 0x00800000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF})
  void mapOutsideThoseBoundsFailsBeforeAnyAllocation(int mapSectors) {
    assertThatThrownBy(() -> parse(mapSectors, 16, 8192))
        .isInstanceOf(VhdFormatException.class)
        .hasMessage("t.vhd: batmap header field 'map size' at offset 33,296: expected from 1 to 2 sectors (one bit per BAT entry), found "
            + Integer.toUnsignedString(mapSectors));
  }

  @Test
  void largestTableBoundsTheMapTo256MiB() throws VhdFormatException {
    // 2^31 - 1 entries (the most a header may hold) need 524,288 sectors of map: still an int of bytes.
    assertThat(parse(524_288, 16, Integer.MAX_VALUE).mapSectors() * (long) VhdFormat.SECTOR_SIZE).isEqualTo(256L << 20);
    assertThatThrownBy(() -> parse(524_289, 16, Integer.MAX_VALUE)).hasMessageContaining("from 1 to 524288 sectors");
  }
}

package org.vhdspark.spark;

import java.io.Serial;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Shipped to every task with the broadcast Hadoop configuration; makes the reader of the output kind. */
final class VhdReaderFactory implements PartitionReaderFactory {
  @Serial
  private static final long serialVersionUID = 1L;

  private final Broadcast<SerializableConfiguration> conf;
  private final VhdReadOptions options;
  private final StructType readSchema;
  private final LongRanges blocks;
  private final LongRanges sectors;

  VhdReaderFactory(Broadcast<SerializableConfiguration> conf, VhdReadOptions options, StructType readSchema,
      LongRanges blocks, LongRanges sectors) {
    this.conf = conf;
    this.options = options;
    this.readSchema = readSchema;
    this.blocks = blocks;
    this.sectors = sectors;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    VhdInputPartition vhdPartition = (VhdInputPartition) partition;
    ChainOpener opener = new ChainOpener(options, conf.value().get());
    return switch (options.output()) {
      case SECTORS -> new SectorReader(opener, vhdPartition, readSchema, options, blocks, sectors);
      case ALLOCATION -> new AllocationReader(opener, vhdPartition, readSchema, options, blocks, sectors);
      case CATALOG -> new CatalogReader(opener, vhdPartition, readSchema);
    };
  }
}

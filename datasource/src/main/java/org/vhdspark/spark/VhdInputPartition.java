package org.vhdspark.spark;

import java.io.Serial;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/** What one task reads: slices of one or more images, and the hosts that store most of their data. */
record VhdInputPartition(int index, List<ImageSlice> slices, String[] hosts) implements InputPartition {
  @Serial
  private static final long serialVersionUID = 1L;

  VhdInputPartition {
    slices = List.copyOf(slices);
  }

  @Override
  public String[] preferredLocations() {
    return hosts.clone();
  }

  @Override
  public String toString() {
    return "VhdInputPartition " + index + " " + slices + " on " + String.join(",", hosts);
  }
}

package org.vhdspark.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * HDFS: the driver writes its pieces (head, footer) as small files beside the target, joins every
 * piece into the first with {@code concat} (the NameNode moves blocks; no data is copied, and the
 * sources are gone) and renames the result into place. Concat wants its sources in the target's own
 * folder, none empty, none open.
 */
final class HdfsConcatJoin implements ImageJoin {
  private final DistributedFileSystem fs;

  HdfsConcatJoin(DistributedFileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String description() {
    return "HDFS concat";
  }

  @Override
  public long minimumPieceBytes() {
    return 0;
  }

  @Override
  public long join(List<ImagePiece> pieces, Path target, boolean replace, String jobId) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Path> made = new ArrayList<>();
    try {
      for (int i = 0; i < pieces.size(); i++) {
        ImagePiece piece = pieces.get(i);
        if (piece.isFile()) {
          piece.checkLength(fs.getFileStatus(piece.file()).getLen());
          files.add(piece.file());
        } else {
          Path file = WriteNames.driverFile(target, jobId, "piece" + i);
          made.add(file);
          try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(piece.byteArray());
          }
          files.add(file);
        }
      }
      Path joined = files.get(0);
      if (files.size() > 1) {
        fs.concat(joined, files.subList(1, files.size()).toArray(Path[]::new));
      }
      ImagePublisher.publish(fs, joined, target, replace);
      return 0;
    } finally {
      for (Path file : made) {
        fs.delete(file, false);
      }
    }
  }
}

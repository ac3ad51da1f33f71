package org.vhdspark.spark;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AbortMultipartUploadRequest;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.CopyPartRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.UploadPartRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;

/**
 * S3: one multipart upload of the target whose parts are the pieces: the driver's pieces uploaded
 * (the head, padded to the 5 MiB a part needs, and the footer as the last part) and every fragment
 * copied by S3 itself ({@code UploadPartCopy}), so no fragment byte passes through the driver. The
 * target appears when the upload completes, whole; a failure aborts the upload and leaves no object.
 *
 * <p>The S3 client is S3A's own (its endpoint, credentials and retries), through
 * {@code getAmazonS3ClientForTesting}, the one accessor hadoop-aws 3.3 offers; AWS SDK v1, as
 * hadoop-aws 3.3 brings. S3 has no rename that refuses an existing target: it is checked just before
 * the upload completes, a narrow race documented in docs/datasource.md (Writing images).
 */
final class S3PartCopyJoin implements ImageJoin {
  /** S3's smallest part, except the last. */
  static final long MIN_PART_BYTES = 5L << 20;
  /** S3's largest part number. */
  static final int MAX_PARTS = 10_000;

  private final S3AFileSystem fs;
  private final AmazonS3 s3;

  private S3PartCopyJoin(S3AFileSystem fs) {
    this.fs = fs;
    this.s3 = fs.getAmazonS3ClientForTesting("vhd image join by part copy");
  }

  static ImageJoin of(FileSystem fs) {
    return new S3PartCopyJoin((S3AFileSystem) fs);
  }

  @Override
  public String description() {
    return "S3 multipart upload with part copy";
  }

  @Override
  public long minimumPieceBytes() {
    return MIN_PART_BYTES;
  }

  @Override
  public long join(List<ImagePiece> pieces, Path target, boolean replace, String jobId) throws IOException {
    if (pieces.size() > MAX_PARTS) {
      throw new IOException(target + ": " + pieces.size() + " pieces, more than the " + MAX_PARTS
          + " parts of an S3 upload; write with fewer tasks (spark.sql.shuffle.partitions)");
    }
    String bucket = fs.getBucket();
    String key = fs.pathToKey(target);
    String upload = s3.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, key)).getUploadId();
    try {
      List<PartETag> parts = new ArrayList<>();
      for (int i = 0; i < pieces.size(); i++) {
        ImagePiece piece = pieces.get(i);
        int number = i + 1;
        if (i + 1 < pieces.size() && piece.length() < MIN_PART_BYTES) {
          throw new IOException(target + ": piece " + i + " has " + piece.length() + " bytes, less than S3's 5 MiB part");
        }
        if (piece.isFile()) {
          piece.checkLength(fs.getFileStatus(piece.file()).getLen());
          parts.add(s3.copyPart(new CopyPartRequest()
              .withSourceBucketName(bucket).withSourceKey(fs.pathToKey(piece.file()))
              .withDestinationBucketName(bucket).withDestinationKey(key)
              .withUploadId(upload).withPartNumber(number)).getPartETag());
        } else {
          byte[] array = piece.byteArray();
          parts.add(s3.uploadPart(new UploadPartRequest()
              .withBucketName(bucket).withKey(key).withUploadId(upload).withPartNumber(number)
              .withInputStream(new ByteArrayInputStream(array)).withPartSize(array.length)
              .withLastPart(i + 1 == pieces.size())).getPartETag());
        }
      }
      if (!replace && fs.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      s3.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, key, upload, parts));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(new AbortMultipartUploadRequest(bucket, key, upload));
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException(target + ": the S3 multipart upload failed: " + e.getMessage(), e);
    }
    for (ImagePiece piece : pieces) {
      if (piece.isFile()) {
        fs.delete(piece.file(), false);
      }
    }
    return 0;
  }
}

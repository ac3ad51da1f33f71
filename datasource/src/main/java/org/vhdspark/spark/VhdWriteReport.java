package org.vhdspark.spark;

/**
 * What a finished {@code df.write.format("vhd")} job did at commit, as the driver measured it: logged
 * at INFO, and kept as the session's last write for {@link VhdWrites#lastReport}.
 *
 * @param target          the image written
 * @param join            how its pieces were joined ("HDFS concat", "S3 multipart upload with part copy", "copy by the driver")
 * @param fragments       fragment files the tasks wrote and the join used
 * @param imageBytes      the new image's size
 * @param bytesCopiedByDriver fragment bytes the driver copied (0 on HDFS and S3)
 */
public record VhdWriteReport(String target, String join, int fragments, long imageBytes, long bytesCopiedByDriver) {}

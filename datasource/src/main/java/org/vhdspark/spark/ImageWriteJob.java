package org.vhdspark.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Footer;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;
import org.vhdspark.write.FixedChunks;
import org.vhdspark.write.FragmentedImage;
import org.vhdspark.write.ImageSpec;

/**
 * One {@code df.write.format("vhd")}: checks the save mode, the target and the parent on the driver,
 * runs the rows through Spark's DSv2 write ({@link ImageWriteProvider}) so tasks write fragments
 * beside the target, and at commit checks the parent again, lays the image out from the fragments'
 * blocks, joins the pieces with the target's file system ({@link ImageJoin}) and publishes it. A
 * failure anywhere deletes every file of the job; the target is complete or untouched.
 */
final class ImageWriteJob implements BatchWrite {
  private static final Logger LOG = LoggerFactory.getLogger(ImageWriteJob.class);

  private final String id = UUID.randomUUID().toString();
  private final SparkSession session;
  private final Path target;
  private final FileSystem fs;
  private final Configuration conf;
  private final ImageSpec spec;
  private final FixedChunks chunks;
  private final WriteLayout layout;
  private final ImageJoin join;
  private final boolean replace;
  private final ParentIdentity parent;
  private Dataset<Row> prepared;
  private volatile long bytesCopiedByDriver;

  private ImageWriteJob(SparkSession session, Path target, FileSystem fs, Configuration conf, ImageSpec spec, FixedChunks chunks,
      ImageJoin join, boolean replace, ParentIdentity parent) {
    this.session = session;
    this.target = target;
    this.fs = fs;
    this.conf = conf;
    this.spec = spec;
    this.chunks = chunks;
    this.join = join;
    this.replace = replace;
    this.parent = parent;
    this.layout = spec != null ? WriteLayout.sparse(spec, join.minimumPieceBytes()) : WriteLayout.fixed(chunks, join.minimumPieceBytes());
  }

  /** Writes {@code data} as the options say, honouring {@code mode}. */
  static void run(SparkSession session, SaveMode mode, Map<String, String> given, Dataset<Row> data) throws IOException {
    ImageWriteJob job = plan(session, mode, given, data);
    if (job != null) {
      job.write();
    }
  }

  /**
   * The job that writes {@code data}, with its rows prepared for the tasks, after every check that
   * needs no task; null when there is nothing to do (mode ignore and an existing target).
   */
  static ImageWriteJob plan(SparkSession session, SaveMode mode, Map<String, String> given, Dataset<Row> data)
      throws IOException {
    VhdWriteOptions options = VhdWriteOptions.parse(SessionSettings.writeOptions(session, given));
    WriteInput.Columns columns = WriteInput.check(data.schema());
    Configuration conf = SessionSettings.hadoopConfiguration(session, options.parentRead().hadoopOptions());
    Path target = new Path(options.target());
    FileSystem fs = target.getFileSystem(conf);
    target = fs.makeQualified(target);
    FileStatus existing = status(fs, target);
    if (existing != null && mode == SaveMode.Append) {
      throw new IllegalArgumentException("vhd write to " + target + ": save mode append is not supported on an existing image: "
          + "an image holds one disk and rows cannot be appended to it. To add sectors on top of it, write a child of it "
          + "(option(\"parent\", <image>) and a new target); to replace it, use mode(\"overwrite\")");
    }
    if (existing != null) {
      if (existing.isDirectory()) {
        throw new IllegalArgumentException("vhd write to " + target + ": the target is a directory; name the image file to write");
      }
      if (mode == SaveMode.Ignore) {
        return null;
      }
      if (mode == SaveMode.ErrorIfExists) {
        throw AnalysisErrors.pathAlreadyExists(target.toString());
      }
    }
    Location targetLocation = HadoopLocations.toLocation(target);
    ImageJoin join = ImageJoin.forFileSystem(fs);
    ImageWriteJob job;
    if (options.parent() != null) {
      ChainOpener opener = new ChainOpener(options.parentRead(), conf);
      Location parentLocation = opener.qualify(options.parent());
      if (!parentLocation.root().equals(targetLocation.root())) {
        throw new IllegalArgumentException("vhd write to " + target + ": the parent " + HadoopLocations.display(parentLocation)
            + " is on another file system: a child's locators find its parent on its own file system only; "
            + "copy the parent beside the child");
      }
      HadoopImageStore store = new HadoopImageStore(conf);
      ImageSpec spec;
      try (VirtualDisk disk = opener.openForPlanning(parentLocation, opener.policy()).disk()) {
        Location canonicalTarget = store.canonical(targetLocation);
        for (VhdChain.Layer layer : disk.chain().layers()) {
          if (store.canonical(layer.location()).equals(canonicalTarget)) {
            throw new IllegalArgumentException("vhd write to " + target + ": the target is "
                + (layer.location().equals(disk.chain().layers().get(0).location()) ? "the parent" : "an ancestor of the parent")
                + " of the new image; a child cannot replace its own chain. Write it to another path");
          }
        }
        VhdImage image = disk.chain().image();
        spec = ImageSpec.childOf(image, parentLocation, targetLocation);
      }
      if (options.blockSize() != 0 && options.blockSize() != spec.blockSize()) {
        throw new IllegalArgumentException("vhd option '" + VhdWriteOptions.BLOCK_SIZE + "': a child has its parent's block size ("
            + spec.blockSize() + " bytes); leave out 'blockSize'");
      }
      job = new ImageWriteJob(session, target, fs, conf, spec, null, join, mode == SaveMode.Overwrite,
          ParentIdentity.read(store, parentLocation));
    } else if (options.type() == DiskType.FIXED) {
      job = new ImageWriteJob(session, target, fs, conf, null, FixedChunks.of(options.size()), join, mode == SaveMode.Overwrite, null);
    } else {
      ImageSpec spec = ImageSpec.dynamic(options.size()).withBlockSize(options.blockSize());
      job = new ImageWriteJob(session, target, fs, conf, spec, null, join, mode == SaveMode.Overwrite, null);
    }
    boolean clustered = !job.layout.fixed() && ClusteredInput.byBlock(data, columns, job.layout.blockSize(), conf);
    job.prepared = WriteInput.prepare(data, columns, job.layout, clustered);
    return job;
  }

  /** Runs the job's rows through Spark's DSv2 write, which calls back {@link #commit} or {@link #abort}. */
  void write() {
    ImageWriteProvider.register(this);
    try {
      prepared.write().format(ImageWriteProvider.class.getName()).option(ImageWriteProvider.JOB_OPTION, id)
          .mode(SaveMode.Append).save();
    } finally {
      ImageWriteProvider.unregister(this);
    }
  }

  String id() {
    return id;
  }

  String target() {
    return target.toString();
  }

  /** Fragment bytes the driver copied at commit (0 before it). */
  long bytesCopiedByDriver() {
    return bytesCopiedByDriver;
  }

  /** The rows as the tasks take them (see {@link WriteInput}). */
  Dataset<Row> prepared() {
    return prepared;
  }

  StructType preparedSchema() {
    return prepared.schema();
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    var shipped = JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(new SerializableConfiguration(conf));
    return new WriteTask(target.toString(), id, layout, shipped);
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    try {
      List<FragmentMessage.Fragment> fragments = new ArrayList<>();
      Arrays.stream(messages).map(FragmentMessage.class::cast)
          .sorted(Comparator.comparingInt(FragmentMessage::partition))
          .forEach(message -> fragments.addAll(message.fragments()));
      if (parent != null) {
        parent.checkUnchanged(new HadoopImageStore(conf), target);
      }
      List<ImagePiece> pieces = new ArrayList<>();
      long imageBytes;
      if (chunks != null) {
        FragmentMessage.Fragment[] byChunk = new FragmentMessage.Fragment[chunks.chunkCount()];
        for (FragmentMessage.Fragment fragment : fragments) {
          if (byChunk[fragment.chunk()] != null) {
            throw new IllegalStateException(target + ": chunk " + fragment.chunk() + " written twice");
          }
          byChunk[fragment.chunk()] = fragment;
        }
        for (int c = 0; c < byChunk.length; c++) {
          if (byChunk[c] == null) {
            throw new IllegalStateException(target + ": no task wrote chunk " + c);
          }
          pieces.add(ImagePiece.of(new Path(byChunk[c].path()), byChunk[c].length()));
        }
        imageBytes = chunks.imageSize();
      } else {
        FragmentedImage image = FragmentedImage.of(spec,
            fragments.stream().map(f -> new FragmentedImage.Fragment(f.blocks(), f.length())).toList(), join.minimumPieceBytes());
        pieces.add(ImagePiece.of(image.head()));
        for (FragmentMessage.Fragment fragment : fragments) {
          pieces.add(ImagePiece.of(new Path(fragment.path()), fragment.length()));
        }
        pieces.add(ImagePiece.of(image.footer()));
        imageBytes = image.size();
      }
      long copied;
      try {
        copied = join.join(pieces, target, replace, id);
      } catch (FileAlreadyExistsException e) {
        throw AnalysisErrors.pathAlreadyExists(target.toString());
      }
      bytesCopiedByDriver = copied;
      VhdWriteReport report = new VhdWriteReport(target.toString(), join.description(), fragments.size(), imageBytes, copied);
      VhdWrites.record(session, report);
      LOG.info("vhd write to {}: {} fragments joined by {}, {} bytes, {} bytes copied by the driver", target, fragments.size(),
          join.description(), imageBytes, copied);
      sweep();
    } catch (IOException e) {
      throw new UncheckedIOException("vhd write to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes every file of the job: the committed attempts' fragments carry its prefix as all others do. */
  @Override
  public void abort(WriterCommitMessage[] messages) {
    try {
      sweep();
    } catch (IOException e) {
      throw new UncheckedIOException("vhd write to " + target + ": could not delete every file of the failed job", e);
    }
  }

  /**
   * Deletes whatever files of this job are left beside the target: fragments of attempts that
   * failed, were killed or lost their executor, and the join's own files.
   */
  private void sweep() throws IOException {
    String prefix = WriteNames.prefix(target, id);
    FileStatus[] left;
    try {
      left = fs.listStatus(target.getParent(), path -> path.getName().startsWith(prefix));
    } catch (FileNotFoundException e) {
      return;
    }
    for (FileStatus file : left) {
      fs.delete(file.getPath(), false);
    }
  }

  private static FileStatus status(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** The parent as the job found it: a child is only right for exactly that parent. */
  private record ParentIdentity(Location location, Footer footer, long size, long modificationTime) {
    static ParentIdentity read(HadoopImageStore store, Location location) throws IOException {
      try (ReadSource source = store.open(location)) {
        // The footer as it is, bad checksum or not: the point is only whether it changed.
        Footer footer = VhdImage.open(source, VhdOptions.defaults().withoutChecksumVerification()).footer();
        // Milliseconds: a local parent can change in place within a second (HDFS and S3 files cannot).
        return new ParentIdentity(location, footer, source.size(), store.modificationTimeMillis(location));
      }
    }

    void checkUnchanged(HadoopImageStore store, Path child) throws IOException {
      ParentIdentity now;
      try {
        now = read(store, location);
      } catch (IOException e) {
        throw new IOException("the parent " + HadoopLocations.display(location) + " cannot be opened again at commit ("
            + e.getMessage() + "); nothing was written", e);
      }
      if (!now.footer.equals(footer) || now.size != size || now.modificationTime != modificationTime) {
        throw new IOException("the parent " + HadoopLocations.display(location) + " changed while the job ran (its "
            + (!Objects.equals(now.footer.uniqueId(), footer.uniqueId()) ? "unique id" : !now.footer.equals(footer) ? "footer"
                : now.size != size ? "size" : "modification time")
            + " differs): a child of it would be wrong, so " + child + " was not written");
      }
    }
  }
}

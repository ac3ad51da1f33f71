package org.vhdspark.io;

/** A file that is both read and written, such as an image being updated. {@link #size()} follows writes. */
public interface ReadWriteFile extends ReadSource, WriteSink {}

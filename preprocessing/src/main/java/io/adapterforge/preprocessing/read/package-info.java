/**
 * Reading corpora: listing JSONL files (plain or compressed) under input paths on any Hadoop
 * FileSystem, and streaming their lines with source file and 1-based line number.
 */
package io.adapterforge.preprocessing.read;

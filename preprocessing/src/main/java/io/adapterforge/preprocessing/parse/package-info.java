/**
 * Row-level parsing of corpus lines: the three accepted formats (chat, instruction, completion)
 * with role aliases, adapter id resolution, structural validation into reject reasons, and the
 * normalized conversation JSON whose hash is the example id.
 */
package io.adapterforge.preprocessing.parse;

/**
 * Typed, validated configuration: HOCON files from {@code conf/} (with {@code local.conf} embedded
 * as the default), {@code --conf FILE} and {@code --set key=value} overrides, read into one record
 * per stage. Unknown keys and bad values fail with an {@link
 * io.adapterforge.config.InvalidConfigException} that names the key, the value, the rule and where
 * the value came from.
 */
package io.adapterforge.config;

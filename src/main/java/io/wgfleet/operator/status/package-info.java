/** The status model: the six conditions, how they merge over time, a peer's verdict as conditions, and when two statuses count as equal. */
package io.wgfleet.operator.status;

/** What follows a decided status: remembered statuses, metrics and Events. */
package io.wgfleet.operator.publish;

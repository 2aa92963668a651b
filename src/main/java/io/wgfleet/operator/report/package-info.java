/** From node reports to the engine's verdict: API objects mapped to the engine's values, and one peer diagnosed from its nodes' reports. */
package io.wgfleet.operator.report;

/** The autoscaler: pure scaling policy, signals, forecasts and container runtimes. */
package com.bankops.autoscaler;

/**
 * Forecasts of the request rate, pure and fed with timestamps: the predictive mode projects them
 * ahead by an instance's start-up time so capacity is ready when the load arrives.
 */
package com.bankops.autoscaler.forecast;

/** Notifications of rollout and scaling events to webhooks and e-mail, off the request path. */
package com.bankops.balancer.notify;

/**
 * The `refunds` group of the core's `PaymentsApi` served by `HttpApiBuilder`: each handler is an
 * Effect that succeeds with the endpoint's success type or fails with one of its declared errors.
 *
 * @since 0.2.0
 */
import { AuthenticatedMerchant, credentialsInvalidError, PaymentsApi } from "@payment-session/core";
import { type Context, Effect } from "effect";
import { HttpApiBuilder } from "effect/http-api";
import type { ProviderServices } from "../payments.js";
import { createRefund, getRefund, listRefunds, type RefundRequestContext } from "./refunds.js";

/**
 * The group's handlers on `services`. `traceId` is the server's per-request trace id reference
 * (passed in so this module does not import the server that mounts it).
 *
 * @since 0.2.0
 */
export const refundsGroupLive = (services: ProviderServices, traceId: Context.Reference<string>) => {
  const requestContext = (requestId: string | undefined) =>
    Effect.gen(function* () {
      const { merchantId } = yield* AuthenticatedMerchant;
      const trace = yield* traceId;
      if (services.merchants.get(merchantId) === undefined) {
        return yield* Effect.fail(credentialsInvalidError("Unknown merchant", { traceId: trace }));
      }
      const context: RefundRequestContext = {
        merchantId,
        at: services.clock.now(),
        traceId: trace,
        requestId,
      };
      return context;
    });
  return HttpApiBuilder.group(PaymentsApi, "refunds", (handlers) =>
    handlers
      .handle("create", ({ headers, payload }) =>
        Effect.flatMap(requestContext(headers["x-request-id"]), (context) =>
          createRefund(services, context, payload),
        ),
      )
      .handle("get", ({ params }) =>
        Effect.flatMap(requestContext(undefined), (context) => getRefund(services, context, params.id)),
      )
      .handle("list", ({ query }) =>
        Effect.flatMap(requestContext(undefined), (context) => listRefunds(services, context, query)),
      ),
  );
};

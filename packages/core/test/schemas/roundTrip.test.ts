import { Result, type Schema } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  decodeBody,
  encodeBody,
  ListChargesQuery,
  ListPaymentSessionsQuery,
  PaymentMethodSelection,
  PaymentSession,
  SimulationRequest,
} from "../../src/schemas/index.js";
import { propertySeed } from "../../src/testing/index.js";
import * as arb from "./arbitraries.js";

const params = { seed: propertySeed("schema properties").seed, numRuns: 1000 };

const roundTrips = <S extends Schema.Codec<unknown, unknown>>(schema: S, value: S["Type"]) => {
  const encoded = encodeBody(schema)(value);
  // The wire form survives JSON, and decoding it gives the value back.
  const wire: unknown = JSON.parse(JSON.stringify(encoded));
  expect(wire).toEqual(encoded);
  const decoded = decodeBody(schema)(wire);
  expect(decoded).toEqual(Result.succeed(value));
};

// 1000 generated bodies per schema take seconds on a loaded machine: a generous timeout, no timing assertion.
describe("encode then decode gives the value back", { timeout: 60_000 }, () => {
  const cases: ReadonlyArray<[string, Schema.Codec<unknown, unknown>, fc.Arbitrary<unknown>]> = [
    ["CreatePaymentSessionRequest", CreatePaymentSessionRequest, arb.createPaymentSessionRequest],
    ["PaymentMethodSelection", PaymentMethodSelection, arb.paymentMethodSelection],
    ["ConfirmPaymentSessionRequest", ConfirmPaymentSessionRequest, arb.confirmPaymentSessionRequest],
    ["CancelPaymentSessionRequest", CancelPaymentSessionRequest, arb.cancelPaymentSessionRequest],
    ["CapturePaymentSessionRequest", CapturePaymentSessionRequest, arb.capturePaymentSessionRequest],
    ["SimulationRequest", SimulationRequest, arb.simulationRequest],
    ["ListPaymentSessionsQuery", ListPaymentSessionsQuery, arb.listPaymentSessionsQuery],
    ["ListChargesQuery", ListChargesQuery, arb.listChargesQuery],
    ["PaymentSession", PaymentSession, arb.paymentSession],
  ];
  for (const [name, schema, arbitrary] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(arbitrary, (value) => roundTrips(schema, value)),
        params,
      );
    });
  }
});

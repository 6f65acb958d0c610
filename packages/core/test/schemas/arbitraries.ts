/**
 * Hand-written fast-check arbitraries for the schemas' decoded types.
 *
 * effect 4's `Arbitrary` module has its own engine (not fast-check), so the property tests build
 * their values here. Each arbitrary produces only values that satisfy every check of its schema.
 */
import fc from "fast-check";
import {
  type Amount,
  type CancelPaymentSessionRequest,
  type CapturePaymentSessionRequest,
  type Charge,
  type ConfirmPaymentSessionRequest,
  type CreatePaymentSessionRequest,
  type Customer,
  cancellationReasons,
  captureMethods,
  chargeStatuses,
  ewalletChannels,
  expirationModes,
  failureCodes,
  type ListChargesQuery,
  type ListPaymentSessionsQuery,
  merchantCancellationReasons,
  millisToInstant,
  modes,
  type Order,
  type PaymentMethod,
  type PaymentMethodOptions,
  type PaymentMethodSelection,
  type PaymentSession,
  paymentTypes,
  qrAcquirers,
  type RedirectUrl,
  type RequestAmount,
  type SimulationRequest,
  sessionStatuses,
  threeDsMethods,
  virtualAccountChannels,
} from "../../src/schemas/index.js";

const MIN_SECOND = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECOND = 253_402_300_799; // 9999-12-31T23:59:59Z

/** A canonical UTC instant, with 0–9 fraction digits. */
export const instant: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: MIN_SECOND, max: MAX_SECOND }), fc.option(fc.stringMatching(/^[0-9]{1,9}$/)))
  .map(([second, fraction]) => {
    const whole = millisToInstant(second * 1000);
    return fraction === null ? whole : `${whole.slice(0, -1)}.${fraction}Z`;
  });

const text = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ minLength: min, maxLength: max });
const visible = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });

const currency = fc.stringMatching(/^[A-Z]{1,3}$/);

export const amount: fc.Arbitrary<Amount> = fc.record({ value: fc.maxSafeNat(), currency });
export const requestAmount: fc.Arbitrary<RequestAmount> = fc.record({
  value: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  currency,
});

/** JSON objects without the keys a plain object cannot hold faithfully. */
const jsonObject = fc.dictionary(
  fc.string().filter((k) => k !== "__proto__"),
  fc.jsonValue({ maxDepth: 2, noUnicodeString: true }).map((v) => JSON.parse(JSON.stringify(v))),
  { maxKeys: 4 },
);

/** Create-request metadata: a JSON object of at most 512 characters as JSON (decision H5). */
const metadata = jsonObject.filter((value) => JSON.stringify(value).length <= 512);

/** One member of the `PaymentMethod` union per method type, each with (or without) its own part only. */
export const paymentMethod: fc.Arbitrary<PaymentMethod> = fc.oneof(
  fc.record(
    {
      type: fc.constant("CARD" as const),
      card: fc.option(
        fc.record(
          {
            encryptedCard: text(0, 500),
            token: fc.string(),
            number: fc.string(),
            expMonth: fc.integer({ min: 1, max: 12 }),
            expYear: fc.integer({ min: 2000, max: 2100 }),
            cvc: text(0, 4),
            cardHolderFirstName: fc.string(),
            cardHolderLastName: fc.string(),
            cardHolderEmail: fc.string(),
            cardHolderPhone: fc.string(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("VIRTUAL_ACCOUNT" as const),
      virtualAccount: fc.option(
        fc.record(
          {
            channel: fc.constantFrom(...virtualAccountChannels),
            virtualAccountNumber: text(0, 100),
            virtualAccountName: text(0, 100),
            expiryAt: instant,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("QR" as const),
      qr: fc.option(
        fc.record(
          {
            acquirer: fc.constantFrom(...qrAcquirers),
            qrContent: fc.string(),
            qrUrl: fc.string(),
            qrType: fc.constantFrom("DYNAMIC" as const, "STATIC" as const),
            storeId: fc.string(),
            merchantName: fc.string(),
            expiryAt: instant,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("EWALLET" as const),
      ewallet: fc.option(
        fc.record(
          { channel: fc.constantFrom(...ewalletChannels), accountIdentifier: fc.string() },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ["type"] },
  ),
);

export const paymentMethodOptions: fc.Arbitrary<PaymentMethodOptions> = fc.record(
  {
    id: fc.string(),
    card: fc.record(
      {
        captureMethod: fc.constantFrom(...captureMethods),
        threeDsMethod: fc.constantFrom(...threeDsMethods),
        threeDsInfo: jsonObject,
        processingConfig: fc.record(
          { bankMerchantId: text(0, 50), merchantIdTag: text(0, 50) },
          { requiredKeys: [] },
        ),
        cardOnFile: fc.record(
          { initiator: fc.string(), type: fc.string(), previousNetworkTransactionId: fc.string() },
          { requiredKeys: [] },
        ),
        installment: jsonObject,
      },
      { requiredKeys: [] },
    ),
    virtualAccount: fc.record(
      {
        channel: fc.constantFrom(...virtualAccountChannels),
        virtualAccountName: text(0, 100),
        virtualAccountNumber: text(0, 100),
        expiryAt: instant,
      },
      { requiredKeys: ["channel"] },
    ),
    ewallet: fc.record(
      { channel: fc.constantFrom(...ewalletChannels), expiryAt: instant },
      { requiredKeys: ["channel"] },
    ),
    qr: fc.record({ acquirer: fc.constantFrom(...qrAcquirers), expiryAt: instant }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const phoneNumber = fc.record({ countryCode: text(1, 4), number: text(1, 15) });

export const customer: fc.Arbitrary<Customer> = fc.record(
  {
    id: fc.string(),
    givenName: text(1, 255),
    surname: text(0, 255),
    email: text(1, 255),
    phoneNumber,
    refundPreference: fc.record(
      {
        method: fc.constantFrom("AUTO" as const, "TRANSFER_ONLY" as const),
        transferDestination: fc.record({
          channelCode: text(1, 20),
          channelInformation: fc.record({ accountNumber: text(1, 30), accountName: text(1, 50) }),
        }),
      },
      { requiredKeys: ["method"] },
    ),
    storedPaymentMethods: fc.option(fc.array(jsonObject, { maxLength: 2 })),
  },
  { requiredKeys: ["email"] },
);

export const order: fc.Arbitrary<Order> = fc.record(
  {
    productDetails: fc.array(
      fc.record(
        {
          type: fc.constantFrom("PHYSICAL" as const, "DIGITAL" as const, "SERVICE" as const),
          category: text(1, 255),
          subCategory: text(1, 255),
          name: text(1, 255),
          description: text(1, 255),
          quantity: fc.double({ min: Number.MIN_VALUE, max: 1e9, noNaN: true }),
          price: amount,
        },
        { requiredKeys: ["type", "quantity", "price"] },
      ),
      { maxLength: 3 },
    ),
    billingInfo: fc.record(
      {
        givenName: text(1, 255),
        surname: text(0, 255),
        email: text(1, 255),
        phoneNumber,
        addressLine1: fc.string(),
        city: fc.string(),
        provinceState: fc.string(),
        country: fc.string(),
        postalCode: fc.string(),
      },
      { requiredKeys: ["givenName", "email"] },
    ),
    shippingInfo: fc.record(
      {
        givenName: text(1, 255),
        surname: text(0, 255),
        email: text(1, 255),
        phoneNumber,
        addressLine1: fc.string(),
        city: fc.string(),
        provinceState: fc.string(),
        country: fc.string(),
        postalCode: fc.string(),
        method: fc.constantFrom(
          "REGULAR" as const,
          "NEXTDAY" as const,
          "SAMEDAY" as const,
          "INSTANT" as const,
        ),
        shippingFee: amount,
      },
      { requiredKeys: ["givenName", "email", "addressLine1", "city", "provinceState", "country", "method"] },
    ),
  },
  { requiredKeys: ["productDetails"] },
);

export const redirectUrl: fc.Arbitrary<RedirectUrl> = fc.record(
  { successReturnUrl: text(1, 255), failureReturnUrl: text(1, 255), expirationReturnUrl: text(1, 255) },
  { requiredKeys: [] },
);

export const createPaymentSessionRequest: fc.Arbitrary<CreatePaymentSessionRequest> = fc
  .record(
    {
      clientReferenceId: visible(1, 100),
      amount: requestAmount,
      paymentType: fc.constantFrom(...paymentTypes),
      mode: fc.constantFrom(...modes),
      autoConfirm: fc.boolean(),
      paymentMethod,
      paymentMethodOptions,
      redirectUrl,
      bypassStatusPage: fc.boolean(),
      customerId: text(0, 255),
      customer,
      orderInformation: order,
      saveForFutureUse: fc.boolean(),
      showSavedPayment: fc.boolean(),
      statementDescriptor: text(0, 20),
      expirationMode: fc.constantFrom(...expirationModes),
      expiryAt: instant,
      metadata,
    },
    { requiredKeys: ["clientReferenceId"] },
  )
  .filter((request) => request.amount !== undefined || request.paymentType === "MULTIPLE");

export const confirmPaymentSessionRequest: fc.Arbitrary<ConfirmPaymentSessionRequest> = fc.record(
  { paymentMethod, paymentMethodOptions },
  { requiredKeys: ["paymentMethod"] },
);

export const paymentMethodSelection: fc.Arbitrary<PaymentMethodSelection> = fc.record(
  { paymentMethod, paymentMethodOptions, autoConfirm: fc.boolean() },
  { requiredKeys: ["paymentMethod", "paymentMethodOptions"] },
);

export const cancelPaymentSessionRequest: fc.Arbitrary<CancelPaymentSessionRequest> = fc.record({
  cancellationReason: fc.constantFrom(...merchantCancellationReasons),
});

export const capturePaymentSessionRequest: fc.Arbitrary<CapturePaymentSessionRequest> = fc.record(
  { releaseRemainingAmount: fc.boolean(), amount: requestAmount },
  { requiredKeys: ["releaseRemainingAmount"] },
);

export const simulationRequest: fc.Arbitrary<SimulationRequest> = fc.record(
  {
    paymentSessionId: text(1, 100),
    chargeStatus: fc.constantFrom("SUCCESS" as const, "EXPIRED" as const),
    amount: requestAmount,
  },
  { requiredKeys: ["paymentSessionId", "chargeStatus"] },
);

const paging = {
  page: fc.integer({ min: 1, max: 999_999_999 }),
  perPage: fc.integer({ min: 1, max: 100 }),
};

export const listPaymentSessionsQuery: fc.Arbitrary<ListPaymentSessionsQuery> = fc.record(
  { clientReferenceId: visible(1, 100), ...paging },
  { requiredKeys: [] },
);

export const listChargesQuery: fc.Arbitrary<ListChargesQuery> = fc.record(
  { clientReferenceId: visible(1, 100), ...paging },
  { requiredKeys: ["clientReferenceId"] },
);

const nullableString = fc.option(fc.string());

export const charge: fc.Arbitrary<Charge> = fc.record(
  {
    id: fc.uuid(),
    paymentSessionId: fc.uuid(),
    paymentSessionClientReferenceId: visible(1, 100),
    amount,
    statementDescriptor: fc.string(),
    status: fc.constantFrom(...chargeStatuses),
    authorizedAmount: fc.option(amount),
    capturedAmount: fc.option(amount),
    isCaptured: fc.boolean(),
    createdAt: instant,
    updatedAt: instant,
    paidAt: fc.option(instant),
    fdsRiskAssessment: fc.option(
      fc.record(
        {
          score: nullableString,
          level: nullableString,
          recommendation: nullableString,
          status: nullableString,
          evaluatedAt: fc.option(instant),
        },
        { requiredKeys: [] },
      ),
    ),
    virtualAccount: fc.option(
      fc.record({
        channel: fc.constantFrom(...virtualAccountChannels),
        virtualAccountNumber: fc.string(),
        virtualAccountName: fc.string(),
        expiryAt: instant,
      }),
    ),
    qr: fc.option(
      fc.record(
        {
          acquirer: fc.constantFrom(...qrAcquirers),
          qrContent: fc.string(),
          qrUrl: nullableString,
          qrType: fc.constantFrom("DYNAMIC" as const, "STATIC" as const),
          retrievalReferenceNumber: nullableString,
          rrn: nullableString,
          issuerName: nullableString,
          expiryAt: fc.option(instant),
          merchantName: nullableString,
        },
        { requiredKeys: ["acquirer", "qrContent", "qrType", "expiryAt"] },
      ),
    ),
    ewallet: fc.option(
      fc.record(
        {
          channel: fc.constantFrom(...ewalletChannels),
          accountInformations: fc.option(
            fc.record({ mobileNumber: nullableString, name: nullableString }, { requiredKeys: [] }),
          ),
        },
        { requiredKeys: ["channel"] },
      ),
    ),
    card: fc.option(
      fc.record(
        {
          first6: nullableString,
          last4: nullableString,
          expMonth: nullableString,
          binInformations: fc.option(
            fc.record(
              { type: nullableString, brand: nullableString, country: nullableString },
              { requiredKeys: [] },
            ),
          ),
          authenticationResult: fc.option(
            fc.record({ threeDsResult: nullableString, eciCode: nullableString }, { requiredKeys: [] }),
          ),
          authorizationResult: fc.option(
            fc.record(
              {
                stan: nullableString,
                authorizedAmount: fc.option(fc.oneof(amount, fc.integer(), fc.string())),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    captureHistories: fc.option(
      fc.array(
        fc.record({
          captureId: fc.uuid(),
          currency: fc.constant("IDR"),
          capturedAmount: fc.maxSafeNat(),
          status: fc.constantFrom("PENDING" as const, "SUCCESS" as const, "FAILED" as const),
          createdAt: instant,
        }),
        { maxLength: 2 },
      ),
    ),
    failureCode: fc.option(fc.constantFrom(...failureCodes)),
    failureMessage: nullableString,
    recommendation: nullableString,
  },
  {
    requiredKeys: [
      "id",
      "paymentSessionId",
      "paymentSessionClientReferenceId",
      "amount",
      "statementDescriptor",
      "status",
      "authorizedAmount",
      "capturedAmount",
      "isCaptured",
      "createdAt",
      "updatedAt",
      "paidAt",
    ],
  },
);

export const paymentSession: fc.Arbitrary<PaymentSession> = fc.record(
  {
    id: fc.uuid(),
    clientReferenceId: visible(1, 100),
    amount,
    autoConfirm: fc.boolean(),
    mode: fc.constantFrom(...modes),
    paymentType: fc.constantFrom(...paymentTypes),
    bypassStatusPage: fc.boolean(),
    redirectUrl: fc.option(redirectUrl),
    paymentMethod: fc.option(paymentMethod),
    paymentMethodOptions: fc.option(paymentMethodOptions),
    statementDescriptor: fc.string(),
    expirationMode: fc.option(fc.constantFrom(...expirationModes)),
    saveForFutureUse: fc.boolean(),
    showSavedPayment: fc.boolean(),
    status: fc.constantFrom(...sessionStatuses),
    investigationStatus: fc.option(fc.constant("INVESTIGATION_IN_PROCESS" as const)),
    createdAt: instant,
    updatedAt: instant,
    expiryAt: fc.option(instant),
    encryptionKey: nullableString,
    paymentUrl: nullableString,
    chargeDetails: fc.option(fc.array(charge, { maxLength: 3 })),
    customerId: nullableString,
    customer: fc.option(customer),
    orderInformation: fc.option(order),
    cancelledAt: fc.option(instant),
    cancellationReason: fc.option(fc.constantFrom(...cancellationReasons)),
    metadata: fc.option(jsonObject),
    lateCharges: fc.array(fc.record({ chargeId: fc.uuid(), amount, receivedAt: instant }), { maxLength: 2 }),
  },
  {
    requiredKeys: [
      "id",
      "clientReferenceId",
      "amount",
      "autoConfirm",
      "mode",
      "paymentType",
      "paymentMethod",
      "status",
      "createdAt",
      "updatedAt",
      "expiryAt",
      "chargeDetails",
    ],
  },
);

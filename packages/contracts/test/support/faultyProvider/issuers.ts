/**
 * The faulty provider's instruments: VA numbers, QR content, wallet links, card data. Which charge
 * to open (method, amount, expiry) is the core's answer (`chargeRequestFor`); this only makes up the
 * values a real channel would return. Never defective.
 */
import type {
  ChargeRequest,
  CreatePaymentSessionInput,
  IssuedCharge,
  PaymentMethod,
  PaymentMethodOptions,
  VirtualAccountChannel,
} from "@payment-session/core";
import { millisToInstant } from "@payment-session/core";

const HOST = "faulty-provider.invalid";
const NO_EXPIRY = "0001-01-01T00:00:00Z";

/** A per-provider counter for VA numbers (unique within one provider instance). */
export interface InstrumentIssuer {
  readonly forCharge: (
    plan: ChargeRequest,
    chargeId: string,
    merchantName: string,
    mode: string,
  ) => Omit<IssuedCharge, "id">;
  readonly forSession: (
    request: CreatePaymentSessionInput,
    sessionId: string,
    merchantName: string,
  ) => {
    readonly paymentMethod?: PaymentMethod;
    readonly paymentUrl?: string;
    readonly encryptionKey?: string;
  };
  /** Makes `pair` the key of the card sessions created from now on (state `card sessions use the published test key`). */
  readonly useCardKey: (pair: { readonly encryptionKey: string; readonly privateKeyPem: string }) => void;
  /** The private key (PKCS#8 PEM) of a session's `encryptionKey`, if this provider made it. */
  readonly privateKeyOf: (encryptionKey: string) => string | undefined;
}

const vaChannel = (
  method: PaymentMethod | null | undefined,
  options: PaymentMethodOptions | null | undefined,
) =>
  options?.virtualAccount?.channel ??
  (method?.type === "VIRTUAL_ACCOUNT" ? method.virtualAccount?.channel : undefined) ??
  "PERMATA";

const vaName = (
  merchantName: string,
  method: PaymentMethod | null | undefined,
  options: PaymentMethodOptions | null | undefined,
) => {
  const requested =
    options?.virtualAccount?.virtualAccountName ??
    (method?.type === "VIRTUAL_ACCOUNT" ? method.virtualAccount?.virtualAccountName : undefined);
  return requested === undefined || requested === "" ? merchantName : `${merchantName} - ${requested}`;
};

/** Makes the issuer of one provider instance. */
export const makeIssuer = (): InstrumentIssuer => {
  let counter = 0;
  const cardKeys = new Map<string, string>();
  let cardKey: string | undefined;
  const vaNumber = (channel: VirtualAccountChannel) =>
    `${channel.length}88${String(++counter).padStart(10, "0")}`;
  return {
    forCharge: (plan, chargeId, merchantName, mode) => {
      const expiry = plan.expiryAt === null ? null : millisToInstant(plan.expiryAt);
      switch (plan.method) {
        case "VIRTUAL_ACCOUNT": {
          const channel = vaChannel(plan.paymentMethod, plan.paymentMethodOptions);
          return {
            instrument: {
              virtualAccount: {
                channel,
                virtualAccountNumber: vaNumber(channel),
                virtualAccountName: vaName(merchantName, plan.paymentMethod, plan.paymentMethodOptions),
                expiryAt: expiry ?? NO_EXPIRY,
              },
            },
          };
        }
        case "QR": {
          const acquirer = plan.paymentMethodOptions?.qr?.acquirer ?? "BRI";
          return {
            instrument: {
              qr: {
                acquirer,
                qrContent: `000201010212${acquirer}.${chargeId}54${plan.amount.value}5802ID`,
                qrUrl: `https://${HOST}/qr/${chargeId}.png`,
                qrType: "DYNAMIC",
                expiryAt: expiry,
                merchantName,
              },
            },
          };
        }
        case "EWALLET": {
          const wallet = plan.paymentMethod?.type === "EWALLET" ? plan.paymentMethod.ewallet : undefined;
          const channel = plan.paymentMethodOptions?.ewallet?.channel ?? wallet?.channel ?? "DANA";
          const mobileNumber = wallet?.accountIdentifier ?? null;
          return {
            instrument: { ewallet: { channel, accountInformations: { mobileNumber, name: null } } },
            ...(mode === "API" ? { paymentUrl: `${channel.toLowerCase()}://${HOST}/pay/${chargeId}` } : {}),
          };
        }
        case "CARD": {
          const card = plan.paymentMethod?.type === "CARD" ? plan.paymentMethod.card : undefined;
          const number = card?.number;
          return {
            instrument: {
              card:
                number === undefined
                  ? {}
                  : {
                      first6: number.slice(0, 6),
                      first8: number.slice(0, 8),
                      last4: number.slice(-4),
                      expMonth: card?.expMonth === undefined ? null : String(card.expMonth).padStart(2, "0"),
                      expYear: card?.expYear === undefined ? null : String(card.expYear),
                    },
            },
            ...(mode === "API" ? { paymentUrl: `https://${HOST}/3ds/${chargeId}` } : {}),
          };
        }
      }
    },
    forSession: (request, sessionId, merchantName) => {
      const method = request.paymentMethod;
      const options = request.paymentMethodOptions;
      const paymentUrl = request.mode === "REDIRECT" ? `https://${HOST}/checkout/${sessionId}` : undefined;
      const encryptionKey =
        method?.type === "CARD" && request.mode === "API" && !request.autoConfirm
          ? (cardKey ?? "ZmF1bHR5LXByb3ZpZGVyLWVuY3J5cHRpb24ta2V5")
          : undefined;
      let paymentMethod: PaymentMethod | undefined;
      if (request.paymentType === "MULTIPLE" && method?.type === "VIRTUAL_ACCOUNT") {
        const channel = vaChannel(method, options);
        paymentMethod = {
          type: "VIRTUAL_ACCOUNT",
          virtualAccount: {
            channel,
            virtualAccountNumber: vaNumber(channel),
            virtualAccountName: vaName(merchantName, method, options),
            expiryAt: request.expiryAt ?? NO_EXPIRY,
          },
        };
      } else if (request.paymentType === "MULTIPLE" && method?.type === "QR") {
        const acquirer = options?.qr?.acquirer ?? "BRI";
        paymentMethod = {
          type: "QR",
          qr: {
            acquirer,
            qrContent: `000201010211${acquirer}.${sessionId}5802ID`,
            qrUrl: `https://${HOST}/qr/${sessionId}.png`,
            qrType: "STATIC",
            storeId: merchantName,
            merchantName,
          },
        };
      }
      return {
        ...(paymentMethod === undefined ? {} : { paymentMethod }),
        ...(paymentUrl === undefined ? {} : { paymentUrl }),
        ...(encryptionKey === undefined ? {} : { encryptionKey }),
      };
    },
    useCardKey: (pair) => {
      cardKeys.set(pair.encryptionKey, pair.privateKeyPem);
      cardKey = pair.encryptionKey;
    },
    privateKeyOf: (encryptionKey) => cardKeys.get(encryptionKey),
  };
};

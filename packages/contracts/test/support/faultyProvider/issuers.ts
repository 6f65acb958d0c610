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
        case "CARD":
          return {
            instrument: { card: {} },
            ...(mode === "API" ? { paymentUrl: `https://${HOST}/3ds/${chargeId}` } : {}),
          };
      }
    },
    forSession: (request, sessionId, merchantName) => {
      const method = request.paymentMethod;
      const options = request.paymentMethodOptions;
      const paymentUrl = request.mode === "REDIRECT" ? `https://${HOST}/checkout/${sessionId}` : undefined;
      const encryptionKey =
        method?.type === "CARD" && request.mode === "API" && !request.autoConfirm
          ? "ZmF1bHR5LXByb3ZpZGVyLWVuY3J5cHRpb24ta2V5"
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
  };
};

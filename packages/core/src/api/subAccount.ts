/**
 * The sub-account header every operation accepts (facts §1, SUB; decision S5).
 *
 * @since 0.2.0
 */
import { Schema } from "effect";
import { SubmerchantId } from "../schemas/Identifiers.js";

/**
 * The optional `x-submerchant-id` of every call: the sub-account the call acts for. A session made
 * for a sub-account is read, listed and changed only with the same header (decision S5).
 *
 * @since 0.2.0
 * @category API description
 */
export const subAccountHeaders = { "x-submerchant-id": Schema.optionalKey(SubmerchantId) };

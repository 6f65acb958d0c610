/**
 * The published card test key (decision S3): an RSA-2048 key pair whose private half is public on
 * purpose, so that a contract can carry an `encryptedCard` and any implementation can open it. A
 * provider state (`card sessions use the published test key`) makes it the `encryptionKey` of the
 * card sessions set up after it. Never a production key.
 *
 * @since 0.2.0
 */

/**
 * The published test key pair: `encryptionKey` (base64 SPKI DER, as a session shows it) and its
 * private key (PKCS#8 PEM).
 *
 * @since 0.2.0
 * @category Card encryption
 */
export const testCardKeyPair = {
  encryptionKey:
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAl8BC/ZnEQwpCfCUbiPXdolIilNeCn6+o1eAO0Qd5nyGay+PQPSZhHh6ZMGpm30MQGp4wGyQSuMlBn9mXn+JlWG0awLZIwOf0RH84TNBJlyTrkUtH0yELFpt2yp+2PL+PrmgKxpHJhynFj2aNDiHKgX3hk95syXBe+glsRzly1rTNP4+282848KJZpbh3oP2alwDG+HX9AZM/eLcymOfB1XsXbN7J5pgzuIaVkp4/9ZLw8vCCKWD7qiEWEZJJooxvTjBxHfiakpuiQvYKvv9VGh+z/+NQADZnFM3lfDtJFicsmuZgP+1IOiv3Ix6YD21pZbkzt3gqz0zeLm26CjhBOQIDAQAB",
  privateKeyPem: `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCXwEL9mcRDCkJ8
JRuI9d2iUiKU14Kfr6jV4A7RB3mfIZrL49A9JmEeHpkwambfQxAanjAbJBK4yUGf
2Zef4mVYbRrAtkjA5/REfzhM0EmXJOuRS0fTIQsWm3bKn7Y8v4+uaArGkcmHKcWP
Zo0OIcqBfeGT3mzJcF76CWxHOXLWtM0/j7bzbzjwolmluHeg/ZqXAMb4df0Bkz94
tzKY58HVexds3snmmDO4hpWSnj/1kvDy8IIpYPuqIRYRkkmijG9OMHEd+JqSm6JC
9gq+/1UaH7P/41AANmcUzeV8O0kWJyya5mA/7Ug6K/cjHpgPbWlluTO3eCrPTN4u
bboKOEE5AgMBAAECggEAPtoa5P6zEzFEqDaWWPu8eGacfBlmuM0AmNTcTidScF5y
xs/sh+dFgjwaJrtrMD2OhffO5O7j8jUpQRPWgRo774wA8KCPMZbgzR4EK4x5bmiU
SPFtJj0hYpOxd+r+h9qvoATnsabgWWMruGE5Owkz3r5Ml/ogBK7OJ7GPb1CUB+jn
XmzklCONt2YcB6LqlFFQMxOXD/GTSokkFeXl2+52qLOnQ5bc5UPZSp4slA1wXJJP
kLpdhwbCNII8zHjCPmKw5mFR+IPUlRy20/KfoMnAvlQWScyMUZwvbJ6zU8ZRzcPw
MnLqDn84Aup+wKFkzB5SPv+ZJa5bj4GvhDfUzkSzoQKBgQDLmAMWnftNYSSN3Omp
S1Rw2AvT/iCxCHhKPUOtQzQH5kH/jcNLuEqtEcze/ubFhWnlju4d5OW20nLtaCf8
tmPL7BCuzt/rEndRUq+3m5zpXaXmNmWS3C0kZcpRJsFY4BWLh39YmSOlihvOAi/C
9lgkFelZMgbWW42NDL25pXCjHwKBgQC+0AaGN/NpiIOSxBCAZw2LL2qN/kAj8jKW
LMucQRBHQli09uRCYs8Cx7OvUBhQUYCtgLzErcS+vO3muys8oiv2+J/xv9ax1KIN
oaSHA+i02JKonEUrY8lFA9Y8HDHU3CeHXNxjAesmLQ8qASrWyAVdyFzeBIEWTUtI
7Wg9TJ8opwKBgCDborv2uUUuxWiD284v0yv3IkmPfRU1SbypkI+ZBf+0YLhu17MT
xjGSat8egn4kXwfmfnWiqJRN+LBqG/IEOa0Cp1qfFrJoo4sjbiqS2cssCwdRhiki
kcKLDxDz0UaXu8JuFtZkuMURuhUQc0bi3SzNwIBdu47C7eByyvf4RGp/AoGBAJg8
IihtdU+KcebjdILtNToJz4qQAh5run5kKOJ2aoVf4qQmooBwktaV+77wOSXDkNVc
c767INBIrcm7JMjQXiFBxWI7+w+QJOaZQ0nRDZVTgNbzLqBqkYb1g7QbjopUR1lQ
9igrvK+NnZ6WpdYMaXOkSqt7jn37lwgNGXBmtEjbAoGBAMEdFaPs0SIvMD3sagO0
qZTzt38X/dpFY45DCBRTZigdALQ+n+IcB1Aste7y86wGaqcRKAELuBndTBjJ9Ccq
gbbZMMvrvj58PPsIa0SJHF/Wr7i7zVhl0hR0ECYF3rfRSASSi2xacJnRPNJEENZg
dTT31JkojSxxosmvEPdlofeI
-----END PRIVATE KEY-----
`,
} as const;

/**
 * The card inside {@link testEncryptedCard}: the documented frictionless success test card (facts §12).
 *
 * @since 0.2.0
 * @category Card encryption
 */
export const testEncryptedCardContent = {
  card: {
    number: "4440000112200001",
    expiryMonth: "12",
    expiryYear: "2030",
    cvc: "123",
    nameOnCard: "Budi Santoso",
  },
  deviceInformations: {
    type: "BROWSER",
    userAgent: "Mozilla/5.0",
    acceptLanguage: "id-ID",
    browserWidth: 1280,
    browserHeight: 800,
    country: "ID",
  },
  metadata: {},
} as const;

/**
 * A fixed `encryptedCard` of {@link testEncryptedCardContent} under {@link testCardKeyPair}, made once
 * by `encryptCard` (its AES key and nonce are random, so a value made at test time would change the
 * pact file on every run).
 *
 * @since 0.2.0
 * @category Card encryption
 */
export const testEncryptedCard =
  "eyJlbmNyeXB0ZWRLZXkiOiJPMWlIZFlZazF5RjJDR2NjYUZUdHJZRkNwWHZEVDRqVHdQWENWcXNNZzRJenFtc0daMGVYKzJkWDRXVUVxRmJPYVN3S0dRZTI0RjhJZUd3ZVptTnlOMU11cmVhdXRRK1p6TUw1YWs3dkdpdXc2WmNxNno2TXJlZXNQT2NmQ3I4bUExNTlBWU1kZTVMdC9mYy81YTR3ai9jRGpJUkZwR3FKZHFCR2llMjIvY2NPU0tCSDBvTDJjMVRJeThrbTFGaFpJSTN1MUZrMlBWeS91RTMwbjZUSERyNXFtWDB0Y3hpWlZDSFJFYzEyMGk4bEYveHhac2Q3YU95cVhHa0wxclNLcDhUSmI2UVk5NDdSZW94Uy9YN3RFVHNQU3dmOEZ4Z04rSHdVTkRoY2NTUUN6RTRTWkZKREhmK3RaY3l6aTZYQTJOb3RPTkRzOWh6Y202N2NsM2NIRVE9PSIsIm5vbmNlIjoiSXlOS0k4QjhGMFB5SW9aTSIsImNpcGhlcnRleHQiOiIyRXplZ1MwTnNsbTNuNU9xNjNOYjFJcjUzTGdpbjlSNmlwcitFcXZZbVY5NDZQbURZUjh6SU5kWkYyeWk4NHVobHNjNzZZZnBpTUM4U3hxaUpNYWV4ZEo1Qzg1elpqZnRyUEtSTUJycUpRZnpXQWtwNnZYbFBDRlZXQmw4cXI2M3ZOTmNRZVM5OEkva293U3ZJV0dubWVwdTNjeDI3T2VReHlsYmJSSGtrdlNOWWhZVUhDVGlvbHhNVDhSdGxlbStZVHNjcmU0YWpHeEUxNC9zbWJ2clRoS1haYkZhcE1BZHhBZDBlaXRac1RuZE1CdGtrM1g3bkpYekRqRG9zTm5LakpTK3NLMHhqS1ZrdmV1ME9NZ2hFdnhkMlJKUTR3QXJiMzBPY3VMaGpMakx2ZlpJaCtyTDB5RHdLUUlkZE9FN1ZBZTh5eWo5ZGRqbFltUVp5aS9GRlFuRFA4Q0Zka2J3SkxZSnFHQVpuVWNKdDF3OVJXc3EycjE0dUhGc2dlL1VHcndRQVdFPSJ9";

/**
 * A fixed `encryptedCard` of the same card under another key (one no provider holds): it never
 * decrypts.
 *
 * @since 0.2.0
 * @category Card encryption
 */
export const undecryptableEncryptedCard =
  "eyJlbmNyeXB0ZWRLZXkiOiJjTy9iSEtINlMwWWNKOXBHRSthc2YvY0ZKMEdLak5BTHVTRTN6VHZKeTRYWjk3UDd0SHc4L1M5Q2lkMFZHdXkyWmkzTlhmN3Zwd3Y5Nit6TllKZWZFa2lJYU5HdnpXbGJ5UEMvSTR0OEhvMWVWdDUrRmw2ZE4zVWlqMEgxV3NQY3l5aEllTDhYK3BGWng2N2x4NGFXVzN1N2hxWEF1VEJscU1zeDdUbGRPSGlMNklFaFFSSitkcFE3b2cySDJMYjAvbXJQemEzcG9pc002elphUGsrUitwZ1BVRU1LR2U1YXJwSmcxd2tFdVBrT0tDVzM4U1hRcFlEclR5d3lqL1BnZ0JLZWx0SE1OaWl3Wlorc3hXUmFxVmMxc1l0UFlseWFzcG94K0VXWmh0K010N0NiMWU4WHlIWFRHQzVHSXpKejdtdmsxZE9UaE80Q2FnRWNsYlVidnc9PSIsIm5vbmNlIjoiYktKUmpaaUFrYUxFTGZSOCIsImNpcGhlcnRleHQiOiJGNW1qQ08wcEZrNnZ4SVdEa1BER2hGMGpNLzNYUkJhYks0WmZ1ZnNMbFlWbVNPdVJOY2NsTzc2TXk2Z1FhM3NXdVExOXFKdjBkQjN3TmFRanZlbmhPRWNGWHJ0VmdCUGhrcHJHb05tMEFya05POWx2T3NPb2puY29SM1MrWXRGWVZuajBtWEZCcXNCNndQcmhoMmRRUFhTVlZxcGRocEJlNmE0aVN4Y3QvclZxTEhQaUxFUnZ4RnZqeG13L1dZND0ifQ==";

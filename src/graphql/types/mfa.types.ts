import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A new TOTP secret for enrollment, shown this once: add it to an authenticator app (scan the QR code or type the base32 secret), then call validateMfaCode with a code within 10 minutes.',
})
export class MfaTempSecret {
  @Field(() => String, { description: 'Base32 (RFC 4648), 160 bits. `oathtool --totp -b <secret>` prints the current code.' })
  secret: string;

  @Field(() => String, { description: 'otpauth://totp/Gatehouse:<email>?secret=...&issuer=Gatehouse' })
  otpauthUri: string;

  @Field(() => String, { description: 'The otpauth URI as a PNG QR code (data: URL).' })
  qrCodeDataUrl: string;

  @Field(() => Date, { description: 'After this the secret is void and validateMfaCode answers BAD_USER_INPUT.' })
  expiresAt: Date;
}

@ObjectType({ description: "A member's org-level MFA state (never the secret)." })
export class MfaStatus {
  @Field(() => Boolean, { description: 'A confirmed TOTP factor exists for this membership.' })
  enrolled: boolean;

  @Field(() => Boolean, { description: 'A temp secret is waiting for validateMfaCode (not expired).' })
  enrollmentPending: boolean;

  @Field(() => Boolean, { description: 'Effective for this org: it enforces MFA and the member has no effective opt-out.' })
  required: boolean;

  @Field(() => Boolean, { description: 'Opted out of enforcement now (an opt-out whose end date passed is not).' })
  optedOut: boolean;

  @Field(() => Int, { description: 'Unused recovery codes left (0 to 10).' })
  recoveryCodesRemaining: number;

  @Field(() => Date, { nullable: true, description: 'While set, too many wrong codes keep the factor locked (RATE_LIMITED).' })
  lockedUntil: Date | null;
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { AuthTokensView, TwoFactorSetupView } from '@crm/contracts';
import { API_PREFIX } from '../../http/api-prefix';
import { NoIdempotencyReplay } from '../../idempotency/idempotency.decorators';
import { CurrentPrincipal, MemberAccess, Public } from '../auth.decorators';
import type { Principal, UserPrincipal } from '../principal';
import { MemberAuthService } from './member-auth.service';
import { TwoFactorService } from './two-factor.service';

/** api.md §3 `2fa/*`: optional TOTP second factor. Answers with secrets or tokens are never kept for replay. */
@Controller(`${API_PREFIX}/auth/2fa`)
export class TwoFactorController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly auth: MemberAuthService,
  ) {}

  @Post('setup')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @MemberAccess()
  setup(@CurrentPrincipal() principal: Principal): Promise<TwoFactorSetupView> {
    return this.twoFactor.setup(principal as UserPrincipal);
  }

  @Post('verify')
  @HttpCode(200)
  @MemberAccess()
  verify(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ success: true }> {
    return this.twoFactor.verify(principal as UserPrincipal, body);
  }

  @Post('validate')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @Public()
  validate(@Body() body: unknown): Promise<AuthTokensView> {
    return this.auth.completeTwoFactorSignIn(body);
  }

  /** Not stored for replay either: its body holds the password, whose hash must not sit in Redis. */
  @Post('disable')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @MemberAccess()
  disable(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ success: true }> {
    return this.twoFactor.disable(principal as UserPrincipal, body);
  }
}

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  type AuthTokensView,
  type AuthUserView,
  type MeView,
  type TwoFactorChallengeView,
  LoginRequest,
  LogoutRequest,
  RefreshRequest,
  RegisterRequest,
} from '@crm/contracts';
import { API_PREFIX } from '../../http/api-prefix';
import { CurrentPrincipal, MemberAccess, Public } from '../auth.decorators';
import type { Principal, UserPrincipal } from '../principal';
import { MemberAuthService } from './member-auth.service';
import { NoIdempotencyReplay } from '../../idempotency/idempotency.decorators';
import { ContractBody } from '../../openapi/contract-schema.decorators';

/** api.md §3: register, sign in, refresh, sign out, who am I (the `2fa/*` routes: TwoFactorController). */
@Controller(`${API_PREFIX}/auth`)
export class MemberAuthController {
  constructor(private readonly auth: MemberAuthService) {}

  @Post('register')
  @NoIdempotencyReplay()
  @HttpCode(201)
  @Public()
  @ContractBody(RegisterRequest)
  register(@Body() body: unknown): Promise<AuthTokensView | { message: string; user: AuthUserView }> {
    return this.auth.register(body);
  }

  @Post('login')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @Public()
  @ContractBody(LoginRequest)
  login(@Body() body: unknown): Promise<AuthTokensView | TwoFactorChallengeView> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @NoIdempotencyReplay()
  @HttpCode(200)
  @Public()
  @ContractBody(RefreshRequest)
  refresh(@Body() body: unknown): Promise<AuthTokensView> {
    return this.auth.refresh(body);
  }

  @Post('logout')
  @HttpCode(204)
  @MemberAccess()
  @ContractBody(LogoutRequest, { required: false })
  async logout(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<void> {
    await this.auth.logout(principal as UserPrincipal, body);
  }

  @Get('me')
  @MemberAccess()
  me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.auth.me(principal as UserPrincipal);
  }
}

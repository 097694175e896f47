import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, Router } from '@angular/router';
import { apiErrorMessage } from '../../core/api-error';
import { SessionService, safeReturnUrl } from '../../core/auth/session.service';

@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatCardModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatIconModule, MatProgressBarModule],
  template: `
    <main class="login">
      <mat-card appearance="outlined" class="card">
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" aria-label="Logging in" />
        }
        <mat-card-header>
          <mat-icon mat-card-avatar class="logo" aria-hidden="true">factory</mat-icon>
          <mat-card-title><h1>Factory AI</h1></mat-card-title>
          <mat-card-subtitle>Log in to continue</mat-card-subtitle>
        </mat-card-header>
        <mat-card-content>
          @if (expired()) {
            <p class="notice" role="status">Your session has ended. Log in again to go back where you were.</p>
          }
          <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <mat-form-field>
              <mat-label>Username</mat-label>
              <input matInput formControlName="username" autocomplete="username" autocapitalize="none" required />
              @if (form.controls.username.hasError('required') && form.controls.username.touched) {
                <mat-error>Enter your username</mat-error>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>Password</mat-label>
              <input matInput [type]="showPassword() ? 'text' : 'password'" formControlName="password" autocomplete="current-password" required />
              <button mat-icon-button matSuffix type="button" (click)="showPassword.set(!showPassword())"
                [attr.aria-label]="showPassword() ? 'Hide password' : 'Show password'" [attr.aria-pressed]="showPassword()">
                <mat-icon>{{ showPassword() ? 'visibility_off' : 'visibility' }}</mat-icon>
              </button>
              @if (form.controls.password.hasError('required') && form.controls.password.touched) {
                <mat-error>Enter your password</mat-error>
              }
            </mat-form-field>
            @if (error(); as message) {
              <p class="error" role="alert">{{ message }}</p>
            }
            <button mat-flat-button type="submit" class="submit" [disabled]="busy()">Log in</button>
          </form>
        </mat-card-content>
      </mat-card>
    </main>
  `,
  styles: `
    .login { min-height: 100vh; display: flex; align-items: center; justify-content: center; padding: 16px; box-sizing: border-box; }
    .card { width: 100%; max-width: 400px; }
    h1 { margin: 0; font: var(--mat-sys-title-large); }
    .logo { font-size: 40px; width: 40px; height: 40px; color: var(--mat-sys-primary); }
    form { display: flex; flex-direction: column; gap: 12px; margin-top: 16px; }
    .submit { height: 44px; }
    .error { color: var(--mat-sys-error); margin: 0; }
    .notice { background: var(--mat-sys-secondary-container); padding: 8px 12px; border-radius: 8px; margin: 8px 0 0; }
  `,
})
export class LoginPage {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  readonly form = inject(FormBuilder).nonNullable.group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly showPassword = signal(false);
  readonly expired = signal(this.route.snapshot.queryParamMap.has('returnUrl'));

  async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    const { username, password } = this.form.getRawValue();
    try {
      await this.session.login(username.trim(), password);
      await this.router.navigateByUrl(safeReturnUrl(this.route.snapshot.queryParamMap.get('returnUrl')));
    } catch (err) {
      this.error.set(apiErrorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}

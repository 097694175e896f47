import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { apiErrorMessage } from './api-error';

@Injectable({ providedIn: 'root' })
export class NotifyService {
  private readonly snack = inject(MatSnackBar);

  ok(message: string): void {
    this.snack.open(message, 'OK', { duration: 3500 });
  }

  error(errOrMessage: unknown): void {
    const message = typeof errOrMessage === 'string' ? errOrMessage : apiErrorMessage(errOrMessage);
    this.snack.open(message, 'Dismiss', { duration: 8000, panelClass: 'error-snackbar', politeness: 'assertive' });
  }
}

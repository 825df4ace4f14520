import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { FormError } from '../components/field';
import { formErrorMessage, serverFieldErrors } from '../lib/errors';
import { useTRPC } from '../trpc';

const RATINGS = [1, 2, 3, 4, 5] as const;
const MAX_TEXT = 4000;

/** Rate the platform 1–5 and say why. */
export function FeedbackPage() {
  const trpc = useTRPC();
  const textId = useId();
  const [rating, setRating] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [ratingError, setRatingError] = useState<string | undefined>();
  const submit = useMutation(trpc.feedback.submit.mutationOptions());
  const serverErrors = serverFieldErrors(submit.error);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (rating === null) {
      setRatingError('Choose a rating from 1 to 5.');
      return;
    }
    setRatingError(undefined);
    submit.mutate({ rating, text: text.trim() });
  };

  if (submit.isSuccess) {
    return (
      <div className="page-narrow">
        <h1>Thank you</h1>
        <output className="form-ok" data-testid="feedback-thanks">
          Your feedback was sent.
        </output>
        <button
          type="button"
          className="btn"
          onClick={() => {
            submit.reset();
            setRating(null);
            setText('');
          }}
        >
          Send more feedback
        </button>
      </div>
    );
  }

  return (
    <div className="page-narrow">
      <h1>Feedback</h1>
      <form className="card form" onSubmit={onSubmit} noValidate data-testid="feedback-form">
        <fieldset
          className="rating"
          aria-describedby={ratingError || serverErrors.rating ? 'rating-error' : undefined}
        >
          <legend>Rating</legend>
          <div className="rating-options">
            {RATINGS.map((r) => (
              <label key={r} className={rating === r ? 'seg seg-on' : 'seg'}>
                <input
                  type="radio"
                  name="rating"
                  value={r}
                  checked={rating === r}
                  onChange={() => setRating(r)}
                />
                {r}
                <span className="sr-only"> out of 5</span>
              </label>
            ))}
          </div>
          {ratingError || serverErrors.rating ? (
            <small id="rating-error" className="error">
              {ratingError ?? serverErrors.rating}
            </small>
          ) : null}
        </fieldset>
        <div className={serverErrors.text ? 'field field-invalid' : 'field'}>
          <label htmlFor={textId}>What works, what doesn't?</label>
          <textarea
            id={textId}
            name="text"
            rows={6}
            maxLength={MAX_TEXT}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={serverErrors.text ? true : undefined}
          />
          <small className="hint">
            {text.length}/{MAX_TEXT}
          </small>
          {serverErrors.text ? <small className="error">{serverErrors.text}</small> : null}
        </div>
        <FormError message={formErrorMessage(submit.error)} />
        <button type="submit" className="btn btn-primary" disabled={submit.isPending}>
          {submit.isPending ? 'Sending…' : 'Send feedback'}
        </button>
      </form>
    </div>
  );
}

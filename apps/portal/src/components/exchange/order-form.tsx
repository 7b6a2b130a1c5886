'use client';
import { Alert, Button, cx, Panel, TextField } from '@tradeloom/ui';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { decToText, mulDec, normalizeDecimalInput, parseDec, rateToPercent } from '../../lib/decimal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDecimal, stepDecimals } from '../../lib/format';
import { amountForShare, totalForShare } from '../../lib/order-sizing';
import { checkOrder, type FieldProblem, type OrderCheck, type OrderType } from '../../lib/order-validation';
import { useSession } from '../../lib/session';
import type { Balances, Market, Order } from '../../lib/types';

type Side = 'BUY' | 'SELL';

function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: string; activeClass: string }[];
  onChange(value: T): void;
}) {
  return (
    <fieldset className="flex gap-1 rounded-md bg-surface-2 p-1">
      <legend className="sr-only">{label}</legend>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={value === option.value}
          onClick={() => onChange(option.value)}
          className={cx(
            'flex-1 rounded px-3 py-1.5 text-sm font-semibold',
            value === option.value ? option.activeClass : 'text-muted hover:text-fg',
          )}
        >
          {option.label}
        </button>
      ))}
    </fieldset>
  );
}

export function OrderForm({
  market,
  pickedPrice,
  balances,
  onPlaced,
}: {
  market: Market;
  /** A price clicked in the book (a new object each click, so the same price can be picked twice). */
  pickedPrice: { price: string } | null;
  balances: Balances | undefined;
  onPlaced(): void;
}) {
  const t = useTranslations('orderForm');
  const locale = useLocale();
  const errorMessage = useErrorMessage();
  const { session, request } = useSession();
  const [side, setSide] = useState<Side>('BUY');
  const [type, setType] = useState<OrderType>('LIMIT');
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('');
  const [by, setBy] = useState<'base' | 'quote'>('base');
  const [totalInput, setTotalInput] = useState('');
  const [check, setCheck] = useState<OrderCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const priceRef = useRef<HTMLInputElement>(null);
  const quantityRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (pickedPrice !== null) {
      setType('LIMIT');
      setPrice(pickedPrice.price);
    }
  }, [pickedPrice]);

  const problem = (found: FieldProblem | undefined) =>
    found === undefined ? null : t(`errors.${found.key}`, found.values ?? {});

  // Once the user tried to submit, problems follow their typing.
  const byQuote = type === 'MARKET' && by === 'quote';
  const draft = { type, price, quantity, by, total: totalInput };
  const liveCheck = check === null ? null : checkOrder(market, draft);

  const asset = side === 'BUY' ? market.quote : market.base;
  const available =
    balances?.balances.find((b) => b.wallet === 'SPOT' && b.asset === asset)?.available ?? '0';
  const total = (() => {
    if (type !== 'LIMIT') return null;
    const p = parseDec(normalizeDecimalInput(price) ?? '');
    const q = parseDec(normalizeDecimalInput(quantity) ?? '');
    if (p === null || q === null) return null;
    return formatDecimal(
      decToText(mulDec(p, q)),
      locale,
      Math.min(stepDecimals(market.tickSize) + stepDecimals(market.lotSize), 8),
    );
  })();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = checkOrder(market, draft);
    setCheck(result);
    setOutcome(null);
    if (result.normalized === undefined) {
      if (result.price) priceRef.current?.focus();
      else if (result.quantity || result.total) quantityRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const answer = await request<{ order: Order }>('/api/v1/spot/orders', {
        method: 'POST',
        body: {
          symbol: market.symbol,
          side,
          type,
          ...(result.normalized.quoteOrderQty === undefined
            ? { quantity: result.normalized.quantity }
            : { quoteOrderQty: result.normalized.quoteOrderQty }),
          ...(type === 'LIMIT' ? { price: result.normalized.price, timeInForce: 'GTC' } : {}),
        },
      });
      setOutcome({
        tone: 'success',
        text: t('placed', { orderId: answer.order.orderId, status: answer.order.status }),
      });
      setQuantity('');
      setTotalInput('');
      setCheck(null);
      onPlaced();
    } catch (error) {
      setOutcome({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  const signedIn = session.status === 'signed_in';
  return (
    <Panel title={t('title')} data-testid="order-form">
      <form className="flex flex-col gap-3 p-3" onSubmit={submit} noValidate>
        <Segmented<Side>
          label={t('side')}
          value={side}
          onChange={setSide}
          options={[
            { value: 'BUY', label: t('buy'), activeClass: 'bg-up text-bg' },
            { value: 'SELL', label: t('sell'), activeClass: 'bg-down text-bg' },
          ]}
        />
        <Segmented<OrderType>
          label={t('type')}
          value={type}
          onChange={setType}
          options={[
            { value: 'LIMIT', label: t('limit'), activeClass: 'bg-surface text-fg' },
            { value: 'MARKET', label: t('market'), activeClass: 'bg-surface text-fg' },
          ]}
        />
        {signedIn ? (
          <p className="num text-xs text-muted" data-testid="available">
            {t('available', { amount: formatDecimal(available, locale), asset })}
          </p>
        ) : null}
        {type === 'LIMIT' ? (
          <TextField
            ref={priceRef}
            label={t('price')}
            name="price"
            inputMode="decimal"
            autoComplete="off"
            value={price}
            onChange={(event) => setPrice(event.target.value)}
            suffix={market.quote}
            error={problem(liveCheck?.price)}
          />
        ) : (
          <>
            <p className="text-xs text-muted">{t('marketPrice')}</p>
            <Segmented<'base' | 'quote'>
              label={t('marketBy')}
              value={by}
              onChange={setBy}
              options={[
                {
                  value: 'base',
                  label: t('byAmount', { asset: market.base }),
                  activeClass: 'bg-surface text-fg',
                },
                {
                  value: 'quote',
                  label: t('byTotal', { asset: market.quote }),
                  activeClass: 'bg-surface text-fg',
                },
              ]}
            />
          </>
        )}
        {byQuote ? (
          <TextField
            ref={quantityRef}
            label={t('totalField')}
            name="total"
            inputMode="decimal"
            autoComplete="off"
            value={totalInput}
            onChange={(event) => setTotalInput(event.target.value)}
            suffix={market.quote}
            error={problem(liveCheck?.total)}
          />
        ) : (
          <TextField
            ref={quantityRef}
            label={t('quantity')}
            name="quantity"
            inputMode="decimal"
            autoComplete="off"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
            suffix={market.base}
            error={problem(liveCheck?.quantity)}
          />
        )}
        {signedIn ? (
          <div className="grid grid-cols-4 gap-1">
            {[25, 50, 75, 100].map((percent) => {
              // A market buy by total spends quote; everything else sizes the base amount.
              const amount = byQuote
                ? side === 'BUY'
                  ? totalForShare(market, available, percent)
                  : null
                : amountForShare(market, side, available, percent, type === 'LIMIT' ? price : null);
              return (
                <button
                  key={percent}
                  type="button"
                  disabled={amount === null}
                  aria-label={t('share', { percent })}
                  onClick={() => amount !== null && (byQuote ? setTotalInput(amount) : setQuantity(amount))}
                  className="rounded border border-line py-1 text-xs text-muted hover:text-fg disabled:opacity-50"
                >
                  {percent} %
                </button>
              );
            })}
          </div>
        ) : null}
        {total === null ? null : (
          <p className="num text-xs text-muted">{t('total', { amount: total, asset: market.quote })}</p>
        )}
        {liveCheck?.order ? <Alert tone="error">{problem(liveCheck.order)}</Alert> : null}
        {market.status === 'TRADING' ? null : <Alert tone="info">{t('notTrading')}</Alert>}
        {signedIn ? (
          <Button type="submit" variant={side === 'BUY' ? 'buy' : 'sell'} busy={busy}>
            {side === 'BUY'
              ? t('submitBuy', { asset: market.base })
              : t('submitSell', { asset: market.base })}
          </Button>
        ) : (
          <p className="text-sm text-muted">
            {t('signedOut')}{' '}
            <Link href={`/login?next=/exchange/${market.symbol}`} className="text-fg underline">
              {t('login')}
            </Link>
          </p>
        )}
        {outcome === null ? null : <Alert tone={outcome.tone}>{outcome.text}</Alert>}
        <p className="text-xs text-muted">
          {t('fees', {
            maker: formatDecimal(rateToPercent(market.makerFee), locale),
            taker: formatDecimal(rateToPercent(market.takerFee), locale),
          })}
        </p>
      </form>
    </Panel>
  );
}

// hft-limit-order-book (v7, the fasenderos order book under its earlier package name).

import { OrderBook, Side } from 'hft-limit-order-book';
import { createFasenderosImpl } from '../fasenderos-book-impl.js';
import type { ImplFactory } from '../impl.js';

const createImpl: ImplFactory = () =>
  createFasenderosImpl({
    name: 'hft-limit-order-book',
    // Conditional (stop/OCO) orders stay off, as by default: the workload has none.
    createBook: () => new OrderBook(),
    sides: [Side.BUY, Side.SELL],
  });

export default createImpl;

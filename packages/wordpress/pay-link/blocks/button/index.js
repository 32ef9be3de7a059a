/**
 * The "Pay-link button" block in the editor: plain JavaScript against the editor's globals (no build step).
 * The editor shows a static preview; the front end is rendered by PHP (includes/block.php), so `save` is null.
 * `window.payLinkEditor` (added before this script by includes/block.php): { proxyUrl, testMode, products }.
 */
( function ( blocks, element, blockEditor, components, i18n ) {
	var el = element.createElement;
	var __ = i18n.__;
	var data = window.payLinkEditor || { proxyUrl: '', testMode: false, products: [] };
	var ZERO_DECIMALS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
	var THREE_DECIMALS = 'BHD IQD JOD KWD LYD OMR TND';

	/** Minor units → "₹499.00", as the element formats it (ISO 4217 exponents, not Intl's display digits). */
	function formatMoney( value, currency ) {
		var exponent = ZERO_DECIMALS.indexOf( currency ) >= 0 ? 0 : THREE_DECIMALS.indexOf( currency ) >= 0 ? 3 : 2;
		try {
			return new Intl.NumberFormat( undefined, { style: 'currency', currency: currency } ).format( value / Math.pow( 10, exponent ) );
		} catch ( e ) {
			return currency + ' ' + value;
		}
	}

	function findProduct( id ) {
		for ( var i = 0; i < data.products.length; i++ ) if ( data.products[ i ].id === id ) return data.products[ i ];
		return null;
	}

	function Edit( props ) {
		var a = props.attributes;
		var set = props.setAttributes;
		var product = a.intent ? null : findProduct( a.product );
		var price = product && product.currency ? formatMoney( product.value, product.currency ) : null;
		var text = a.label || ( a.intent ? __( 'Pay now', 'pay-link' ) : price ? i18n.sprintf( /* translators: %s: a price */ __( 'Pay %s', 'pay-link' ), price ) : __( 'Pay', 'pay-link' ) );
		var meta;
		var warning = false;
		if ( ! data.proxyUrl ) {
			meta = __( 'Set the proxy URL under Settings → pay-link.', 'pay-link' );
			warning = true;
		} else if ( a.intent ) {
			meta = __( 'Invoice (signed intent)', 'pay-link' );
		} else if ( product ) {
			meta = product.name + ( price ? ' · ' + price : '' ) + ( data.testMode ? ' · ' + __( 'test mode', 'pay-link' ) : '' );
		} else if ( a.product ) {
			meta = __( 'Unknown product:', 'pay-link' ) + ' ' + a.product;
			warning = true;
		} else {
			meta = __( 'Choose a product in the block settings.', 'pay-link' );
			warning = true;
		}

		var productOptions = [ { label: __( '— choose —', 'pay-link' ), value: '' } ].concat(
			data.products.map( function ( p ) {
				return { label: p.name + ' (' + p.id + ')', value: p.id };
			} )
		);

		var inspector = el(
			blockEditor.InspectorControls,
			null,
			el(
				components.PanelBody,
				{ title: __( 'Button', 'pay-link' ), initialOpen: true },
				data.products.length
					? el( components.SelectControl, { label: __( 'Product', 'pay-link' ), value: a.product, options: productOptions, onChange: function ( v ) { set( { product: v } ); } } )
					: el( components.TextControl, { label: __( 'Product id', 'pay-link' ), value: a.product, onChange: function ( v ) { set( { product: v } ); } } ),
				el( components.TextControl, {
					label: __( 'Intent token (an invoice; replaces the product)', 'pay-link' ),
					value: a.intent,
					onChange: function ( v ) { set( { intent: v.trim() } ); },
				} ),
				el( components.TextControl, { label: __( 'Label', 'pay-link' ), value: a.label, onChange: function ( v ) { set( { label: v } ); } } ),
				el( components.SelectControl, {
					label: __( 'Checkout opens in', 'pay-link' ),
					value: a.presentation,
					options: [
						{ label: __( 'Site default', 'pay-link' ), value: '' },
						{ label: __( 'Best available (popup, else tab)', 'pay-link' ), value: 'auto' },
						{ label: __( 'Popup', 'pay-link' ), value: 'popup' },
						{ label: __( 'New tab', 'pay-link' ), value: 'tab' },
						{ label: __( 'This tab (redirect)', 'pay-link' ), value: 'redirect' },
					],
					onChange: function ( v ) { set( { presentation: v } ); },
				} ),
				el( components.SelectControl, {
					label: __( 'Theme', 'pay-link' ),
					value: a.theme,
					options: [
						{ label: __( 'Follow the visitor', 'pay-link' ), value: 'auto' },
						{ label: __( 'Light', 'pay-link' ), value: 'light' },
						{ label: __( 'Dark', 'pay-link' ), value: 'dark' },
					],
					onChange: function ( v ) { set( { theme: v } ); },
				} )
			)
		);

		return el(
			'div',
			blockEditor.useBlockProps(),
			inspector,
			el(
				'div',
				{ className: 'pay-link-preview' + ( a.theme === 'dark' ? ' is-dark' : '' ), 'aria-label': __( 'Preview of the pay-link button', 'pay-link' ) },
				el( 'span', { className: 'pay-link-preview__button' }, text ),
				el( 'span', { className: 'pay-link-preview__meta' + ( warning ? ' is-warning' : '' ) }, meta )
			)
		);
	}

	blocks.registerBlockType( 'pay-link/button', {
		edit: Edit,
		save: function () {
			return null;
		},
	} );
} )( window.wp.blocks, window.wp.element, window.wp.blockEditor, window.wp.components, window.wp.i18n );
